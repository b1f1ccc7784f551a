// A worker and a client of the JavaScript Durable Task SDK against a durable backend at host:port.
// The orchestration calls activities, waits on a durable timer and an external event, and calls, signals and locks an
// entity (the SDK's own entity messages). Prints one JSON line with the result and exits 0, or prints the error and
// exits 1.
import { TaskHubGrpcClient, TaskHubGrpcWorker, OrchestrationStatus, EntityInstanceId, TaskEntity, NoOpLogger } from "@microsoft/durabletask-js";

const [address, instanceId] = process.argv.slice(2);
if (!address || !instanceId) {
  console.error("usage: node roundtrip.mjs <host:port> <instance id>");
  process.exit(2);
}

class Tally extends TaskEntity {
  initializeState() { return 0; }
  add(n) { this.state += n; return this.state; }
  get() { return this.state; }
}

const greet = async (_ctx, name) => `Hello ${name}!`;
const shout = async (_ctx, text) => text.toUpperCase();

async function* roundtrip(ctx, name) {
  const greeting = yield ctx.callActivity(greet, name);
  const loud = yield ctx.callActivity(shout, greeting);
  yield ctx.createTimer(1);
  const approval = yield ctx.waitForExternalEvent("approve");
  const tally = new EntityInstanceId("tally", name);
  const afterCall = yield ctx.entities.callEntity(tally, "add", 2);
  ctx.entities.signalEntity(tally, "add", 3);
  const lock = yield ctx.entities.lockEntities(tally);
  const locked = yield ctx.entities.callEntity(tally, "get");
  lock.release();
  return { greeting, loud, approval, afterCall, locked };
}

const logger = new NoOpLogger();
const worker = new TaskHubGrpcWorker({ hostAddress: address, logger });
worker.addOrchestrator(roundtrip);
worker.addActivity(greet);
worker.addActivity(shout);
worker.addNamedEntity("tally", () => new Tally());
const client = new TaskHubGrpcClient({ hostAddress: address, logger });

let code = 0;
try {
  await worker.start();
  const id = await client.scheduleNewOrchestration(roundtrip, "Node", instanceId);
  await client.waitForOrchestrationStart(id, false, 30);
  await client.raiseOrchestrationEvent(id, "approve", { by: "node" });
  const state = await client.waitForOrchestrationCompletion(id, true, 60);
  if (state?.runtimeStatus !== OrchestrationStatus.COMPLETED) {
    throw new Error(`orchestration ended ${state?.runtimeStatus}: ${JSON.stringify(state?.failureDetails)}`);
  }
  console.log(JSON.stringify({ status: "Completed", output: JSON.parse(state.serializedOutput) }));
} catch (e) {
  console.error(e?.stack ?? String(e));
  code = 1;
} finally {
  await worker.stop();
  await client.stop();
}
process.exit(code);
