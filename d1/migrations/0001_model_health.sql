CREATE TABLE `model_health` (
	`model_id` text PRIMARY KEY NOT NULL,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`paused_until` integer,
	`last_error` text,
	`updated_at` integer NOT NULL
);
