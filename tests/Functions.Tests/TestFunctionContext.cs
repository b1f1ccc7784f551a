using Microsoft.Azure.Functions.Worker;

namespace BatchEmbed.Functions.Tests;

/// <summary>A function invocation's context with the app's services: what an HTTP function reads of it when called directly.</summary>
internal sealed class TestFunctionContext(IServiceProvider services, string functionName) : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => functionName;

    public override TraceContext TraceContext => throw new NotSupportedException("not used by the app's HTTP functions");

    public override BindingContext BindingContext => throw new NotSupportedException("not used by the app's HTTP functions");

    public override RetryContext RetryContext => throw new NotSupportedException("not used by the app's HTTP functions");

    public override IServiceProvider InstanceServices { get; set; } = services;

    public override FunctionDefinition FunctionDefinition => throw new NotSupportedException("not used by the app's HTTP functions");

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException("not used by the app's HTTP functions");
}
