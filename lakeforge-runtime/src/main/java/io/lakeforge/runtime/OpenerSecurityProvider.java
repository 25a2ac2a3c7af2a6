package io.lakeforge.runtime;

import io.agroal.api.security.AgroalSecurityProvider;
import io.lakeforge.runtime.internal.ConnectionOpener;
import io.lakeforge.runtime.internal.OpenerDriver;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Gives Agroal the pool's {@link ConnectionOpener} for each new physical connection; answers
 * only for its own marker credential. No password passes through Agroal.
 */
final class OpenerSecurityProvider implements AgroalSecurityProvider {

  private final ConnectionOpener opener;
  private final Object credential = new Object() {
    @Override
    public String toString() {
      return "LakebaseCredential[minted per physical connection]";
    }
  };

  OpenerSecurityProvider(ConnectionOpener opener) {
    this.opener = opener;
  }

  Object credential() {
    return credential;
  }

  @Override
  public @Nullable Properties getSecurityProperties(Object securityObject) {
    if (securityObject != credential) {
      return null;
    }
    Properties properties = new Properties();
    properties.put(OpenerDriver.OPENER, opener);
    return properties;
  }
}
