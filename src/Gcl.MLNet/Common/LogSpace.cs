namespace Gcl.MLNet.Common;

/// <summary>
/// Arithmetic on numbers held as logarithms, in double precision: the mixtures of densities that the managed scorer
/// and the kernel term's choice compute row by row would underflow or overflow as plain probabilities.
/// </summary>
internal static class LogSpace
{
    /// <summary>log(exp(a) + exp(b)), exact for infinite arguments (-inf + -inf gives -inf).</summary>
    public static double Add(double a, double b)
    {
        double top = Math.Max(a, b);
        return double.IsNegativeInfinity(top) ? top : top + Math.Log(Math.Exp(a - top) + Math.Exp(b - top));
    }
}
