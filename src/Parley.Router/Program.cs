// parley-router: see README.md ("Router") for what it does, its flags and metrics.
return await Parley.Router.Cli.RouterCommand.RunAsync(args);
