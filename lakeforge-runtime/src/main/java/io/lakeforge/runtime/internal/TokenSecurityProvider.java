package io.lakeforge.runtime.internal;

import io.agroal.api.security.AgroalSecurityProvider;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the password of every new physical connection from a {@link CredentialCache}. Agroal
 * asks security providers for each connection it creates; this one answers only for its own
 * {@link #credential()} marker.
 */
public final class TokenSecurityProvider implements AgroalSecurityProvider {

  private final CredentialCache cache;
  private final Object credential = new Object() {
    @Override
    public String toString() {
      return "LakebaseCredential[minted per physical connection]";
    }
  };

  public TokenSecurityProvider(CredentialCache cache) {
    this.cache = cache;
  }

  /** The object to register with Agroal's {@code credential(...)}. */
  public Object credential() {
    return credential;
  }

  @Override
  public @Nullable Properties getSecurityProperties(Object securityObject) {
    if (securityObject != credential) {
      return null;
    }
    Properties properties = new Properties();
    properties.setProperty("password", cache.token());
    return properties;
  }
}
