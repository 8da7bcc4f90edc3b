CREATE TABLE `prompt_embeddings` (
	`prompt_hash` text NOT NULL,
	`embedder` text NOT NULL,
	`scale` real NOT NULL,
	`vector` text NOT NULL,
	`category` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`prompt_hash`, `embedder`)
);
--> statement-breakpoint
CREATE TABLE `routing_config` (
	`id` integer PRIMARY KEY NOT NULL,
	`strong` text NOT NULL,
	`weak` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `models` ADD `pricing` text;