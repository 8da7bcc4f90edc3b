// The one deployable Worker (DESIGN section 2): composes the handlers and exports the Durable Object classes.
import { handleQueue } from "./batch";
import { handleRecomputeMessages, handleScheduled } from "./cron";
import { RECOMPUTE_QUEUE } from "../queues/names";
import { edge } from "./edge";

export { BattleRoom } from "../durable-objects/battle-room";
export { GameRoom } from "../durable-objects/game-room";

export default {
  fetch: (request, env, ctx) => edge.fetch(request, env, ctx),
  // Queue batches go to the batch worker, except the recompute's parts: that queue is the cron's own fan-out
  // (workers/cron/recompute, issue 17), so its consumer lives with the cron.
  queue: (batch, env) =>
    batch.queue === RECOMPUTE_QUEUE ? handleRecomputeMessages(batch, env) : handleQueue(batch, env),
  scheduled: (controller, env) => handleScheduled(controller, env),
} satisfies ExportedHandler<Env>;
