package com.example.shop;

import io.lakeforge.annotations.Branch;
import io.lakeforge.annotations.Database;
import io.lakeforge.annotations.Identity;
import io.lakeforge.annotations.LakebaseProject;
import io.lakeforge.annotations.Role;

@LakebaseProject(id = "shop-db")
final class ShopTopology {
  @Branch static final String DEV = "dev";
  @Branch(protect = true) static final String STAGING = "staging";

  /** Recreated from staging after a week, on purpose: the warning is accepted here. */
  @Branch(ttl = "P7D", from = "staging", readOnlyEndpoint = "")
  @SuppressWarnings("lakeforge:expiring-branch")
  static final String PREVIEW = "preview";

  @Role(identity = Identity.SERVICE_PRINCIPAL, postgresRole = "${var.shop_app}")
  static final String APP = "shop-app";

  @Database(owner = "shop-app", name = "orders") static final String ORDERS = "orders";
}
