CREATE TABLE `redteam_games` (
	`id` text PRIMARY KEY NOT NULL,
	`tstamp` integer NOT NULL,
	`started_at` integer NOT NULL,
	`deadline` integer NOT NULL,
	`player_id` text,
	`ranked` integer NOT NULL,
	`model` text NOT NULL,
	`kind` text NOT NULL,
	`kind_version` integer NOT NULL,
	`target` text NOT NULL,
	`target_text` text NOT NULL,
	`outcome` text NOT NULL,
	`turns` integer NOT NULL,
	`seconds` real NOT NULL,
	`recorded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `redteam_games_ranked_idx` ON `redteam_games` (`ranked`,`tstamp`);--> statement-breakpoint
CREATE INDEX `redteam_games_player_idx` ON `redteam_games` (`player_id`);--> statement-breakpoint
CREATE TABLE `redteam_players` (
	`id` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`handle_key` text NOT NULL,
	`token_prefix` text NOT NULL,
	`token_salt` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `redteam_players_handle_uq` ON `redteam_players` (`handle_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `redteam_players_prefix_uq` ON `redteam_players` (`token_prefix`);