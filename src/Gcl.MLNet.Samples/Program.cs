using Gcl.MLNet.Native;
using TorchSharp;

// Foundation slice: proves the native torch library loads and trains. Later issues make this the real demo.
TorchRuntime.EnsureLoaded();
Console.WriteLine($"TorchSharp loaded; {torch.get_num_threads()} intra-op threads.");
