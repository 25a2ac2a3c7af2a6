package com.example.shop;

import static com.example.shop.db.Tables.ORDERS;

import java.math.BigDecimal;
import org.jooq.DSLContext;

/** A typed query: ORDERS.AMOUNT is a column the migrations made. */
public final class Totals {

  private Totals() {}

  public static BigDecimal total(DSLContext db) {
    return db.select(org.jooq.impl.DSL.sum(ORDERS.AMOUNT)).from(ORDERS).fetchOne(0, BigDecimal.class);
  }
}
