CREATE TABLE `sampling_policy` (
	`id` integer PRIMARY KEY NOT NULL,
	`policy` text NOT NULL,
	`floor` real NOT NULL,
	`updated_at` integer NOT NULL
);
