using System.Reflection;
using System.Runtime.CompilerServices;
using BatchEmbed.Workflows.Orchestrators;
using Microsoft.DurableTask;

namespace BatchEmbed.Hosting.Tests;

/// <summary>
/// Orchestrator code replays, so it may take time, ids, timers and I/O only from its context. This scans the IL of every
/// orchestrator type (and the async state machines and lambdas the compiler makes for them) for forbidden calls.
/// </summary>
public sealed class OrchestratorDeterminismTests
{
    private static readonly (Type Type, string Member)[] s_forbidden =
    [
        (typeof(DateTime), "get_Now"),
        (typeof(DateTime), "get_UtcNow"),
        (typeof(DateTime), "get_Today"),
        (typeof(DateTimeOffset), "get_Now"),
        (typeof(DateTimeOffset), "get_UtcNow"),
        (typeof(Guid), "NewGuid"),
        (typeof(Task), "Delay"),
        (typeof(Task), "Run"),
        (typeof(Thread), "Sleep"),
        (typeof(Random), ".ctor"),
        (typeof(Environment), "get_TickCount64"),
        (typeof(System.Diagnostics.Stopwatch), "StartNew"),
        (typeof(TimeProvider), "GetUtcNow"),
    ];

    public static TheoryData<string> OrchestratorTypes()
    {
        var data = new TheoryData<string>();
        foreach (Type t in typeof(SubmitEmbeddings).Assembly.GetTypes().Where(t => !t.IsAbstract && typeof(ITaskOrchestrator).IsAssignableFrom(t)))
        {
            data.Add(t.FullName!);
        }

        return data;
    }

    [Fact]
    public void Every_pipeline_orchestrator_is_found()
    {
        string[] names = typeof(SubmitEmbeddings).Assembly.GetTypes().Where(t => !t.IsAbstract && typeof(ITaskOrchestrator).IsAssignableFrom(t)).Select(t => t.FullName!).ToArray();
        Assert.Contains(typeof(SubmitEmbeddings).FullName, names);
        Assert.Contains(typeof(IngestEmbeddings).FullName, names);
        Assert.Contains(typeof(ResetEmbeddings).FullName, names);
        Assert.Contains(typeof(EnrichAuto).FullName, names);
        Assert.Contains(typeof(CancelBatch).FullName, names);
    }

    [Theory]
    [MemberData(nameof(OrchestratorTypes))]
    public void Orchestrators_never_read_the_clock_make_ids_sleep_or_start_threads(string typeName)
    {
        Type type = typeof(SubmitEmbeddings).Assembly.GetType(typeName)!;
        var offenders = new List<string>();
        foreach (Type t in WithHelpers(type))
        {
            foreach (MethodBase m in t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Cast<MethodBase>().Concat(t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)))
            {
                foreach (MethodBase called in Calls(m))
                {
                    if (s_forbidden.Any(f => called.DeclaringType == f.Type && called.Name == f.Member))
                    {
                        offenders.Add($"{t.Name}.{m.Name} calls {called.DeclaringType!.Name}.{called.Name}");
                    }
                }
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void The_scan_catches_a_forbidden_call()
    {
        MethodBase bad = typeof(OrchestratorDeterminismTests).GetMethod(nameof(ReadsTheClock), BindingFlags.NonPublic | BindingFlags.Static)!;
        Assert.Contains(Calls(bad), c => c.DeclaringType == typeof(DateTime) && c.Name == "get_UtcNow");
    }

    private static DateTime ReadsTheClock() => DateTime.UtcNow;

    /// <summary>The type, its nested (compiler-generated) types, and the internal helpers orchestrators share.</summary>
    private static HashSet<Type> WithHelpers(Type type)
    {
        var seen = new HashSet<Type>();
        var todo = new Stack<Type>([type, typeof(FanOut), typeof(Retries), typeof(OrchestrationTime)]);
        while (todo.TryPop(out Type? t))
        {
            if (seen.Add(t))
            {
                foreach (Type nested in t.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic))
                {
                    todo.Push(nested);
                }
            }
        }

        return seen;
    }

    /// <summary>Methods called (call, callvirt, newobj) by a method's IL.</summary>
    private static IEnumerable<MethodBase> Calls(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        Type[]? typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i + 4 < il.Length; i++)
        {
            if (il[i] is 0x28 or 0x6F or 0x73)
            {
                int token = BitConverter.ToInt32(il, i + 1);
                MethodBase? called = null;
                if ((token >> 24) is 0x0A or 0x06 or 0x2B)
                {
                    try
                    {
                        called = method.Module.ResolveMethod(token, typeArgs, methodArgs);
                    }
                    catch (ArgumentException)
                    {
                    }
                }

                if (called is not null)
                {
                    yield return called;
                }
            }
        }
    }
}
