CREATE TABLE `recompute_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`parts_total` integer NOT NULL,
	`parts_done` integer DEFAULT 0 NOT NULL,
	`plan` text NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `recompute_jobs_state_idx` ON `recompute_jobs` (`state`,`created_at`);--> statement-breakpoint
CREATE TABLE `recompute_parts` (
	`job_id` text NOT NULL,
	`part` text NOT NULL,
	`done_at` integer NOT NULL,
	`ms` integer NOT NULL,
	PRIMARY KEY(`job_id`, `part`)
);
