CREATE TABLE `eval_items` (
	`job_id` text NOT NULL,
	`kind` text NOT NULL,
	`question_id` text NOT NULL,
	`slot` integer NOT NULL,
	`status` text NOT NULL,
	`value` text,
	`style` text,
	`text_key` text,
	`attempts` integer NOT NULL,
	`detail` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`job_id`, `kind`, `question_id`, `slot`)
);
--> statement-breakpoint
CREATE TABLE `eval_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`owner` text,
	`model` text NOT NULL,
	`suite` text NOT NULL,
	`judge` text NOT NULL,
	`baseline` text,
	`questions` integer NOT NULL,
	`total` integer NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`reason` text,
	`result` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `eval_jobs_owner_idx` ON `eval_jobs` (`owner`,`created_at`);--> statement-breakpoint
CREATE INDEX `eval_jobs_suite_idx` ON `eval_jobs` (`suite`,`status`);--> statement-breakpoint
CREATE TABLE `eval_published` (
	`suite` text PRIMARY KEY NOT NULL,
	`etag` text NOT NULL,
	`key` text NOT NULL,
	`judge` text NOT NULL,
	`models` integer NOT NULL,
	`published_at` integer NOT NULL
);
