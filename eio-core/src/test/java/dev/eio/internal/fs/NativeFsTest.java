package dev.eio.internal.fs;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Confinement fails closed where eio does not know the platform's openat flags. */
class NativeFsTest {
  @Test
  void flagsAreKnownOnlyForLinuxOnX86AndArm() {
    assertArrayEquals(new int[] {0200000, 0400000}, NativeFs.openFlags("Linux", "amd64"));
    assertArrayEquals(new int[] {040000, 0100000}, NativeFs.openFlags("Linux", "aarch64"));
    assertNull(NativeFs.openFlags("Mac OS X", "aarch64"));
    assertNull(NativeFs.openFlags("Windows 11", "amd64"));
    assertNull(NativeFs.openFlags("Linux", "riscv64"));
  }

  @Test
  void thisLinuxMachineSupportsConfinement() {
    if (NativeFs.openFlags(System.getProperty("os.name"), System.getProperty("os.arch")) != null) {
      assertNull(Beneath.unsupportedReason());
    } else {
      assertTrue(Beneath.unsupportedReason().contains("confinement"));
    }
  }

  @Test
  void absoluteLinkTargetsAreBeneathOnlyBelowTheRoot() {
    assertEquals("a/b", Beneath.beneath("/r/a/b", "/r"));
    assertEquals("", Beneath.beneath("/r", "/r"));
    assertNull(Beneath.beneath("/rx/a", "/r"));
    assertNull(Beneath.beneath("/other", "/r"));
    assertEquals("etc", Beneath.beneath("/etc", "/"));
  }
}
