// The one deployable Worker (DESIGN section 2): composes the handlers and exports the Durable Object classes.
import { handleQueue } from "./batch";
import { handleScheduled } from "./cron";
import { edge } from "./edge";

export { BattleRoom } from "../durable-objects/battle-room";
export { GameRoom } from "../durable-objects/game-room";

export default {
  fetch: (request, env, ctx) => edge.fetch(request, env, ctx),
  queue: (batch, env) => handleQueue(batch, env),
  scheduled: (controller, env) => handleScheduled(controller, env),
} satisfies ExportedHandler<Env>;
