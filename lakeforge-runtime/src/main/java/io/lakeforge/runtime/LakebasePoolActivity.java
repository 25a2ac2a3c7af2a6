package io.lakeforge.runtime;

import java.time.Duration;

/**
 * Cumulative activity of one pool, as Agroal measures it, for meters.
 *
 * @param acquired connections lent to callers
 * @param acquisitionTime time callers spent in {@code getConnection()}, summed
 * @param maxAcquisitionTime the longest single {@code getConnection()}
 * @param created physical connections opened
 * @param creationTime time spent opening physical connections (credential and login), summed
 * @param exhausted callers turned away at once because {@code maxWaiting} callers were waiting
 */
public record LakebasePoolActivity(
    long acquired,
    Duration acquisitionTime,
    Duration maxAcquisitionTime,
    long created,
    Duration creationTime,
    long exhausted) {}
