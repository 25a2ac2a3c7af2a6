package com.example.shop;

/** Application code that uses the generated accessor. */
final class Shop {
  static String stagingBranch() {
    return Branches.STAGING.branchPath();
  }
}
