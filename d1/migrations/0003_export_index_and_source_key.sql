ALTER TABLE `leaderboard_snapshots` ADD `source_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `battles_voted_id_idx` ON `battles` (`voted_at`,`id`);