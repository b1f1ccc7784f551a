using BatchEmbed.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The Azure Functions app (isolated worker): the workflows' services, then every trigger in this project.
FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddBatchEmbed(builder.Configuration);
builder.Build().Run();
