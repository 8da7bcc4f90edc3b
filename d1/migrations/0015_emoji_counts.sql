ALTER TABLE `battles` ADD `emoji_count_a` integer;--> statement-breakpoint
ALTER TABLE `battles` ADD `emoji_count_b` integer;