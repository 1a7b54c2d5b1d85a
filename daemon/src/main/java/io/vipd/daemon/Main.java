package io.vipd.daemon;

/** The {@code vipd} command line. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("version")) {
      System.out.println("vipd " + version());
      return;
    }
    System.err.println("usage: vipd version");
    System.exit(2);
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
