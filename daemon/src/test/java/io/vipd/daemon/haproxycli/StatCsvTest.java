package io.vipd.daemon.haproxycli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.health.CheckResult;
import io.vipd.health.HealthState;
import io.vipd.health.HealthStatus;
import io.vipd.proxy.ServerAdminState;
import io.vipd.proxy.ServerStatus;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status column's words and the type filter of {@code show stat}, as haproxy 2.6 has them. */
class StatCsvTest {

  private static ServerStatus server(boolean up, ServerAdminState admin) {
    return new ServerStatus("b", "s", up, false, 0, 0, 0, 0, 0, admin, 1, 100, 0);
  }

  /** A check with rise 2, fall 3: health runs 0..4, up from 2. */
  private static HealthStatus check(int health) {
    HealthState state = health >= 2 ? HealthState.UP : HealthState.DOWN;
    return new HealthStatus(
        "b/s", "tcp", state, Optional.of(CheckResult.healthy("ok", 1)), 0, 0, health, 1);
  }

  @Test
  void statusWordsFollowHaproxy() {
    ServerStatus up = server(true, ServerAdminState.READY);
    ServerStatus down = server(false, ServerAdminState.READY);
    assertEquals("UP", StatCsv.serverStatusText(up, check(4), 2, 3));
    assertEquals("UP 2/3", StatCsv.serverStatusText(up, check(3), 2, 3), "one failure of three");
    assertEquals("UP 1/3", StatCsv.serverStatusText(up, check(2), 2, 3), "two failures of three");
    assertEquals("DOWN", StatCsv.serverStatusText(down, check(0), 2, 3));
    assertEquals("DOWN 1/2", StatCsv.serverStatusText(down, check(1), 2, 3), "one success of two");
    assertEquals("no check", StatCsv.serverStatusText(up, null, 2, 3));
    assertEquals(
        "MAINT", StatCsv.serverStatusText(server(true, ServerAdminState.MAINT), null, 2, 3));
    assertEquals(
        "MAINT", StatCsv.serverStatusText(server(false, ServerAdminState.MAINT), check(0), 2, 3));
    assertEquals(
        "DRAIN", StatCsv.serverStatusText(server(true, ServerAdminState.DRAIN), check(4), 2, 3));
    assertEquals(
        "DOWN", StatCsv.serverStatusText(server(false, ServerAdminState.DRAIN), check(0), 2, 3));
  }

  @Test
  void theFilterSelectsByProxyTypeBitsAndServer() {
    StatCsv.Filter servers = new StatCsv.Filter(Optional.empty(), -1, 4, -1);
    assertTrue(servers.accepts("b", 2, StatCsv.SERVER, 1));
    assertFalse(servers.accepts("b", 2, StatCsv.BACKEND, 0));
    assertFalse(servers.accepts("f", 1, StatCsv.FRONTEND, 0));
    StatCsv.Filter frontendsAndBackendsOfB = new StatCsv.Filter(Optional.of("b"), -1, 3, -1);
    assertTrue(frontendsAndBackendsOfB.accepts("b", 2, StatCsv.BACKEND, 0));
    assertFalse(frontendsAndBackendsOfB.accepts("c", 3, StatCsv.BACKEND, 0));
    StatCsv.Filter secondServerOfIid2 = new StatCsv.Filter(Optional.empty(), 2, -1, 2);
    assertTrue(secondServerOfIid2.accepts("b", 2, StatCsv.SERVER, 2));
    assertFalse(secondServerOfIid2.accepts("b", 2, StatCsv.SERVER, 1));
    assertTrue(secondServerOfIid2.accepts("b", 2, StatCsv.BACKEND, 0), "sid filters servers only");
  }

  @Test
  void theHeaderIsHaproxysUpToItsAggregateColumns() {
    // haproxy 2.6.12's `show stat` header, up to the columns every proxy has
    String haproxy =
        "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,"
            + "wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,"
            + "throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,"
            + "check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,"
            + "req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,"
            + "lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,"
            + "agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,"
            + "agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,"
            + "intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,"
            + "qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,safe_conn_cur,"
            + "used_conn_cur,need_conn_est,uweight,agg_server_status,agg_server_check_status,"
            + "agg_check_status,\n";
    assertEquals(haproxy, StatCsv.header());
  }
}
