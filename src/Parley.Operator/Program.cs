using Parley.Operator.Cli;

return ParleyCli.Run(args, Console.Out, Console.Error);
