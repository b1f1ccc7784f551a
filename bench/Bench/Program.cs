using BatchEmbed.Bench;

return await BenchApp.RunAsync(args);
