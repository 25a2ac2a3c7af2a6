package io.lakeforge.runtime;

/**
 * A snapshot of one pool and its credential cache.
 *
 * @param pool the pool's name
 * @param active connections lent to callers
 * @param idle connections ready in the pool
 * @param waiting callers currently waiting for a connection
 * @param maxSize the pool's maximum size
 * @param connectionsCreated physical connections opened so far
 * @param credentialRefreshes credentials obtained from the Databricks API
 * @param credentialFailures credential requests that failed after their retries
 * @param credentialApiCalls HTTP calls made to the credential API, retries included
 */
public record LakebasePoolStats(
    String pool,
    long active,
    long idle,
    long waiting,
    int maxSize,
    long connectionsCreated,
    long credentialRefreshes,
    long credentialFailures,
    long credentialApiCalls) {}
