using Gcl.MLNet.Samples;

// Gcl.MLNet samples: dotnet run --project src/Gcl.MLNet.Samples [-- command] [options]; --help lists the commands.
// Without a command it runs the main job on the bundled real data (--quick for a tiny budget, --out DIR for the folder).
return SampleCommands.Run(args);
