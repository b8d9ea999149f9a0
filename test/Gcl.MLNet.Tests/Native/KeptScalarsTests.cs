using System.Reflection;
using Gcl.MLNet.Native;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Native;

/// <summary>
/// Guards against TorchSharp 0.107's temporary-Scalar defect (see <see cref="KeptScalars"/>): no method of the
/// library may hand TorchSharp a Scalar that nothing keeps alive, neither by an implicit conversion at the call
/// site nor by calling a TorchSharp method that makes one inside (found by reading the IL, three calls deep).
/// </summary>
public sealed class KeptScalarsTests
{
    private static readonly Assembly TorchSharpAssembly = typeof(Tensor).Assembly;
    private static readonly Dictionary<MethodBase, bool> Verdicts = [];

    [Fact]
    public void NoLibraryMethodPassesTorchSharpAnUnkeptScalar()
    {
        var library = typeof(EnergyModel).Assembly;
        var offenders = new List<string>();
        foreach (var type in library.GetTypes())
        {
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                foreach (var callee in Callees(method))
                {
                    if (callee.DeclaringType == typeof(Scalar) && callee.Name == "op_Implicit" ||
                        callee.DeclaringType?.Assembly == TorchSharpAssembly && MakesTemporaryScalar(callee, 0))
                    {
                        offenders.Add($"{type.FullName}.{method.Name} -> {callee.DeclaringType?.Name}.{callee}");
                    }
                }
            }
        }
        Assert.True(offenders.Count == 0, "Unkept TorchSharp scalars:\n" + string.Join("\n", offenders.Distinct().Order()));
    }

    [Fact]
    public void TheHelpersComputeWhatTheOperatorsCompute()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new[] { 1.0, -2.0, 3.5 });
        var b = tensor(new[] { 0.5, 4.0, -1.0 });

        Assert.Equal(new[] { 1.5, 2.0, 2.5 }, a.Plus(b).data<double>().ToArray());
        Assert.Equal(new[] { 3.0, 0.0, 5.5 }, a.Plus(2.0).data<double>().ToArray());
        Assert.Equal(new[] { -3.0, 6.0, -10.5 }, a.Times(-3.0).data<double>().ToArray());
        Assert.Equal(new[] { 0.5, -1.0, 1.75 }, a.DividedBy(2.0).data<double>().ToArray());
        Assert.Equal(new[] { 1.0, 4.0, 12.25 }, a.Squared().data<double>().ToArray());
    }

    // TorchSharp's optimizers make their scalars inside step(), which a virtual call hides from the IL walk.
    private static bool MakesTemporaryScalar(MethodBase method, int depth)
    {
        if (method.DeclaringType is { } declaring && declaring.Namespace == "TorchSharp.Modules" &&
            typeof(optim.Optimizer).IsAssignableFrom(declaring) && declaring != typeof(optim.Optimizer))
        {
            return true;
        }
        if (depth > 3) return false;
        if (Verdicts.TryGetValue(method, out bool known)) return known;
        Verdicts[method] = false;   // breaks recursion cycles
        bool verdict = Callees(method).Any(c => c.DeclaringType == typeof(Scalar) && c.Name == "op_Implicit" ||
            c.Name == "ToScalar" && c.DeclaringType?.Assembly == TorchSharpAssembly && depth > 0 ||
            c.DeclaringType?.Assembly == TorchSharpAssembly && MakesTemporaryScalar(c, depth + 1));
        Verdicts[method] = verdict;
        return verdict;
    }

    // The methods a body calls or constructs (call, callvirt, newobj), resolved in the method's module.
    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (BadImageFormatException)
        {
            yield break;
        }
        if (il is null) yield break;
        Type[]? typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i + 4 < il.Length; i++)
        {
            if (il[i] is not (0x28 or 0x6F or 0x73)) continue;
            MethodBase? callee;
            try
            {
                callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i + 1), typeArguments, methodArguments);
            }
            catch (ArgumentException)
            {
                continue;
            }
            if (callee is null) continue;
            i += 4;
            yield return callee;
        }
    }
}
