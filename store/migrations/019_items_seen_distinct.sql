-- items_seen counted every item of every poll (a feed of 20 items polled three
-- times: 60), while items_kept counts each item once; from now on both count
-- the items first stored from the source. The count so far becomes the items
-- stored (those retention deleted are no longer known), never below the kept.
UPDATE sources SET items_seen = max(items_kept, (SELECT count(*) FROM items WHERE items.source_id = sources.id));
