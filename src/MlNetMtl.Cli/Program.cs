using MlNetMtl.Cli;

return CliApp.Run(args);
