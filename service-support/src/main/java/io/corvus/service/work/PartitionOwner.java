package io.corvus.service.work;

import java.util.Collection;

/** A replica's part that owns whole clusters by the partitions their ids hash to, told as ownership moves. */
public interface PartitionOwner {

    /** These partitions are rebuilt from the topics: their clusters may be acted upon. */
    void own(Collection<Integer> partitions);

    /**
     * These partitions are gone: forget their clusters and act on them no more. Called in a
     * rebalance, on the consumer's thread: it must not wait for work under way (a consumer that
     * blocks in a rebalance stalls the whole group).
     */
    void release(Collection<Integer> partitions);

    /** Both: {@code first} is told of partitions gained before {@code then}, and of partitions lost after it. */
    static PartitionOwner inOrder(PartitionOwner first, PartitionOwner then) {
        return new PartitionOwner() {
            @Override
            public void own(Collection<Integer> partitions) {
                first.own(partitions);
                then.own(partitions);
            }

            @Override
            public void release(Collection<Integer> partitions) {
                then.release(partitions);
                first.release(partitions);
            }
        };
    }
}
