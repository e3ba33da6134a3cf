using MlNetMtl.Cli;

return CliApp.Create().Parse(args).Invoke();
