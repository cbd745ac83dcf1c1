package io.corvus.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ClusterPartitionerTest {

    @Test
    void keysOfOneClusterLandInTheSamePartitionForAnyPartitionCount() {
        for (int partitions = 1; partitions <= 1024; partitions++) {
            int a = ClusterPartitioner.partitionFor("c1/a", partitions);
            assertThat(ClusterPartitioner.partitionFor("c1/b", partitions)).isEqualTo(a);
            assertThat(ClusterPartitioner.partitionFor("c1", partitions)).isEqualTo(a);
        }
    }

    @Property
    void theNamePartOfAKeyNeverChangesItsPartition(
            @ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 63) String clusterId,
            @ForAll @StringLength(max = 40) String firstName,
            @ForAll @StringLength(max = 40) String secondName,
            @ForAll @IntRange(min = 1, max = 10_000) int partitions) {
        int partition = ClusterPartitioner.partitionFor(clusterId + "/" + firstName, partitions);

        assertThat(partition).isBetween(0, partitions - 1);
        assertThat(ClusterPartitioner.partitionFor(clusterId + "/" + secondName, partitions)).isEqualTo(partition);
        assertThat(ClusterPartitioner.partitionFor(clusterId, partitions)).isEqualTo(partition);
    }

    @Test
    void clustersSpreadOverThePartitions() {
        long used = IntStream.range(0, 1000)
                .map(i -> ClusterPartitioner.partitionFor("cluster-" + i + "/node", Topic.PARTITIONS))
                .distinct().count();

        assertThat(used).isEqualTo(Topic.PARTITIONS);
    }
}
