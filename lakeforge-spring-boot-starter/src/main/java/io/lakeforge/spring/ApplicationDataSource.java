package io.lakeforge.spring;

import io.lakeforge.runtime.LakebaseConfig;
import io.lakeforge.runtime.LakebaseSettings;
import javax.sql.DataSource;

/**
 * The starter's own DataSource bean and where it connects: present only when the starter made the
 * application's DataSource (not when the application defines its own), so {@link SpringLakebase}
 * knows which branch contexts can join the application's transactions.
 *
 * @param endpoint the endpoint path of {@code lakeforge.endpoint}
 * @param database the database the DataSource logs in to (the database rule of the starter)
 * @param dataSource the {@code dataSource} bean as the context holds it (post-processed), the
 *     object the application's transaction manager binds connections to
 */
record ApplicationDataSource(String endpoint, String database, DataSource dataSource) {

  static ApplicationDataSource of(LakebaseConfig forDataSource, DataSource dataSource) {
    return new ApplicationDataSource(forDataSource.get(LakebaseSettings.ENDPOINT),
        forDataSource.database(), dataSource);
  }
}
