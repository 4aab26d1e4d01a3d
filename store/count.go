package store

import (
	"context"
	"fmt"
	"time"
)

// ItemsSince counts the items first seen at or after since: what Reclassify
// of the same since reads, for a progress count.
func (s *Store) ItemsSince(ctx context.Context, since time.Time) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM items WHERE first_seen >= ?`, unix(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count items: %w", err)
	}
	return n, nil
}
