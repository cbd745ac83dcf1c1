package io.corvus.config.app;

import io.corvus.events.view.OverviewSnapshot;

/** What the topics say about every cluster, kept current by an adapter that follows them: the topology page's data. */
public interface OverviewFeed {

    /** Every cluster as the topics describe it now. */
    OverviewSnapshot snapshot();

    /** Grows with every event read: a reader that saw the same count has nothing new to show. */
    long changeCount();
}
