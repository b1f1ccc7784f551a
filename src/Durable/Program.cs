using BatchEmbed.DurableTask.Sidecar.Hosting;

return await StandaloneBackend.RunAsync(args);
