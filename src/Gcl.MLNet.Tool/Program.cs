using Gcl.MLNet.Tool;

// gcl: train, score, sample, export, serve and inspect energy models from CSV files. `gcl --help` lists the commands.
return GclApp.Run(args);
