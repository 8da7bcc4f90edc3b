ALTER TABLE `models` ADD `parameters` real;--> statement-breakpoint
ALTER TABLE `models` ADD `active_parameters` real;--> statement-breakpoint
ALTER TABLE `models` ADD `open_weights` integer;--> statement-breakpoint
ALTER TABLE `models` ADD `context_window` integer;--> statement-breakpoint
ALTER TABLE `models` ADD `knowledge_cutoff` text;