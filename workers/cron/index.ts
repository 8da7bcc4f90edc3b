// Scheduled handler: data maintenance (re-labelling, judge re-queue, dedup tags, anomalous voters; bounded work,
// docs/data.md), then recompute and publish the leaderboard. It awaits the work, so triggering it locally
// (`/__scheduled`, which `npm start` does every minute) returns only once the snapshot is published.
import { errorText, log } from "../../shared/core/log";
import { runMaintenance } from "./maintenance";
import { publishSnapshot } from "./publish";
import { publishRedteam } from "./redteam";
import { trainRouters } from "./routing";

export { handleRecomputeMessages } from "./recompute/part";

export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const started = Date.now();
  // Before the snapshot, so the labels and exclusions it rates are current. A failing pass is logged and the
  // snapshot still published: stale labels for one run are better than no leaderboard (the next run retries).
  try {
    await runMaintenance(env);
  } catch (err) {
    log.error("maintenance.failed", { error: errorText(err) });
  }
  const published = await publishSnapshot(env, controller.scheduledTime || started);
  log.info(
    !published
      ? "leaderboard.nothing_to_rate"
      : published.unchanged
        ? "leaderboard.unchanged"
        : "leaderboard.published",
    { cron: controller.cron, ...(published ?? {}), ms: Date.now() - started },
  );
  // The Red Team board after the main one, on its own: a failure here never holds back the arena's leaderboard.
  try {
    const redteam = await publishRedteam(env, controller.scheduledTime || started);
    if (redteam && !redteam.unchanged) log.info("redteam.published", { ...redteam });
  } catch (err) {
    log.error("redteam.publish_failed", { error: errorText(err) });
  }
  // The routers last: they learn from the battles the leaderboard just rated, and never hold either board back.
  try {
    const trained = await trainRouters(env, controller.scheduledTime || started);
    if (trained && !trained.unchanged) log.info("routing.trained", { ...trained, ms: Date.now() - started });
  } catch (err) {
    log.error("routing.train_failed", { error: errorText(err) });
  }
}
