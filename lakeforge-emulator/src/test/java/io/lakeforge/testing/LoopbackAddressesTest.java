package io.lakeforge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 20, item 7: branch servers' loopback addresses come from a free list over 127/8. */
class LoopbackAddressesTest {

  @Test
  void aClosedBranchsAddressIsHandedOutAgain() {
    BranchServer.LoopbackAddresses addresses = new BranchServer.LoopbackAddresses();
    for (int i = 0; i < 1000; i++) {
      String a = addresses.acquire();
      assertValid(a);
      addresses.release(a);
    }
    assertEquals(0, addresses.inUse());
    assertEquals("127.0.0.2", addresses.acquire(), "the first address, given back, comes again");
  }

  @Test
  void liveAddressesAreNeverSharedAndSpanThe127Network() {
    BranchServer.LoopbackAddresses addresses = new BranchServer.LoopbackAddresses();
    Set<String> live = new HashSet<>();
    for (int i = 0; i < 600; i++) {
      String a = addresses.acquire();
      assertValid(a);
      assertTrue(live.add(a), "handed out twice while in use: " + a);
    }
    assertTrue(live.contains("127.0.0.254"));
    assertTrue(live.contains("127.0.1.1"), "past 127.0.0.254 into the next /24");
    assertTrue(live.contains("127.0.2.1"));
  }

  @Test
  void givenBackAddressesComeOldestFirstAndOnlyOnce() {
    BranchServer.LoopbackAddresses addresses = new BranchServer.LoopbackAddresses();
    List<String> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(addresses.acquire());
    }
    addresses.release(held.get(1));
    addresses.release(held.get(1)); // twice: still one free entry
    addresses.release(held.get(0));
    addresses.release("127.9.9.9"); // never handed out: ignored
    assertEquals(held.get(1), addresses.acquire());
    assertEquals(held.get(0), addresses.acquire());
    String fresh = addresses.acquire();
    assertFalse(held.contains(fresh), fresh);
    assertNotEquals("127.9.9.9", fresh);
  }

  @Test
  void theWholeNetworkInUseIsAClearError() {
    // Up to 127.0.3.1: 127.0.0.2-254, 127.0.1.1-254, 127.0.2.1-254 and 127.0.3.1.
    BranchServer.LoopbackAddresses addresses = new BranchServer.LoopbackAddresses(0x000301);
    String lastOne = null;
    for (int i = 0; i < 253 + 254 + 254 + 1; i++) {
      lastOne = addresses.acquire();
      assertValid(lastOne);
    }
    assertEquals("127.0.3.1", lastOne);
    IllegalStateException e = assertThrows(IllegalStateException.class, addresses::acquire);
    assertTrue(e.getMessage().contains("delete branches"), e.getMessage());
    addresses.release("127.0.1.7");
    assertEquals("127.0.1.7", addresses.acquire());
  }

  private static void assertValid(String address) {
    String[] parts = address.split("\\.");
    assertEquals(4, parts.length, address);
    assertEquals("127", parts[0], address);
    int last = Integer.parseInt(parts[3]);
    assertTrue(last >= 1 && last <= 254, "never .0 or .255 of a /24: " + address);
    assertNotEquals("127.0.0.1", address);
    for (String p : parts) {
      int v = Integer.parseInt(p);
      assertTrue(v >= 0 && v <= 255, address);
    }
  }
}
