namespace Gcl.MLNet.Model;

/// <summary>
/// The versions a saved or exported model carries: the model file's format version (the newest this library writes
/// and reads) and the package version, composed into the one integer ONNX keeps as <c>model_version</c>.
/// </summary>
internal static class ModelFormat
{
    /// <summary>
    /// The newest model file format version this library writes and reads: 2, for models with a kernel term
    /// (<see cref="Energy.KernelMixtureEnergy"/>), which 0.1 cannot hold and so must refuse by version.
    /// </summary>
    public const int Version = 2;

    /// <summary>The version of files without a kernel term: 1, the format 0.1 reads.</summary>
    public const int VersionWithoutKernel = 1;

    /// <summary>
    /// ONNX's <c>model_version</c>: format version · 10⁹ + major · 10⁶ + minor · 10³ + patch of the package version
    /// (2_000_002_000 for format 2 written by 0.2.0), so it grows with either.
    /// </summary>
    public static long OnnxModelVersion { get; } = Compose(typeof(ModelFormat).Assembly.GetName().Version ?? new Version(0, 0, 0));

    /// <summary>The composition of <see cref="OnnxModelVersion"/> for a package version.</summary>
    public static long Compose(Version package) =>
        Version * 1_000_000_000L + Math.Clamp(package.Major, 0, 999) * 1_000_000L + Math.Clamp(package.Minor, 0, 999) * 1_000L + Math.Clamp(package.Build, 0, 999);
}
