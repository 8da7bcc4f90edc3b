ALTER TABLE `redteam_games` ADD `consent` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `redteam_games` ADD `transcript_key` text;