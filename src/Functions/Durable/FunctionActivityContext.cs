using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace BatchEmbed.Functions.Durable;

/// <summary>The activity's name and its orchestration's instance id, from the activity trigger's binding data.</summary>
internal sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    public override TaskName Name => name;

    public override string InstanceId => instanceId;

    public static FunctionActivityContext From(FunctionContext context) => new(
        context.FunctionDefinition.Name,
        context.BindingContext.BindingData.TryGetValue("instanceId", out object? id) ? id?.ToString() ?? string.Empty : string.Empty);
}
