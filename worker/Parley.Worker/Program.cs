// parley-worker: see README.md for flags and API.
return await Parley.Worker.Cli.WorkerCommand.RunAsync(args);
