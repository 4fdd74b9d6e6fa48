/* peer.c: see peer.h. Finding programs on PATH, the Go build, nginx's config, cmd:'s
 * {port}. Nothing here forks a server: the arena does (arena.c); the go build and
 * scripts/deps.sh run here, before the dashboard draws.
 */
#include "peer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errmsg.h"

#define NGINX_ECHO_MODULE "/usr/lib/nginx/modules/ngx_http_echo_module.so"
#define PEER_BODY_LEN 96          /* like ours (ORDER_BODY_LEN): every restaurant sends as much */

const char *peer_package(enum restaurant_kind kind)
{
	switch (kind) {
	case REST_NODE: return "nodejs";
	case REST_GO: return "golang-go";
	case REST_NGINX: return "nginx-light";
	default: return NULL;
	}
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int peer_root(const char *bin_dir, char *root, size_t len)
{
	char dir[PEER_PATH_MAX], probe[PEER_PATH_MAX + 32];
	snprintf(dir, sizeof dir, "%s", bin_dir);
	for (int up = 0; up < 4; up++) {
		snprintf(probe, sizeof probe, "%s/peers/go/server.go", dir);
		if (is_file(probe)) {
			snprintf(root, len, "%s", dir);
			return 0;
		}
		size_t n = strlen(dir);
		if (n + 4 >= sizeof dir)
			break;
		memcpy(dir + n, "/..", 4);
	}
	return -ENOENT;
}

/* The first of names that is an executable on PATH (or in /usr/sbin, where nginx is). */
static int find_program(const char *const *names, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char dirs[4096];
	snprintf(dirs, sizeof dirs, "%s:/usr/sbin:/usr/local/sbin", path && *path ? path : "/usr/bin:/bin");
	for (const char *const *n = names; *n; n++) {
		char copy[4096], *save = NULL;
		snprintf(copy, sizeof copy, "%s", dirs);
		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			snprintf(out, len, "%s/%s", d, *n);
			if (access(out, X_OK) == 0 && is_file(out))
				return 0;
		}
	}
	return -ENOENT;
}

static const char *const node_names[] = { "node", "nodejs", NULL };
static const char *const go_names[] = { "go", NULL };
static const char *const nginx_names[] = { "nginx", NULL };

static const char *const *program_names(enum restaurant_kind kind)
{
	return kind == REST_NODE ? node_names : kind == REST_GO ? go_names : kind == REST_NGINX ? nginx_names : NULL;
}

bool peer_nginx_can_cook(void)
{
	return is_file(NGINX_ECHO_MODULE);
}

/* Run argv (with env entries added), wait at most timeout_s; its output goes to the
 * dashboard's stderr (nothing is drawn yet). The exit status, or -1. */
static int run_wait(char *const argv[], char *const env_add[], int timeout_s)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		for (char *const *e = env_add; e && *e; e++)
			putenv(*e);
		int in = open("/dev/null", O_RDONLY);
		if (in >= 0)
			dup2(in, STDIN_FILENO);
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	for (int i = 0; i < timeout_s * 10; i++) {
		int status;
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		usleep(100 * 1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static void install(const char *root, const char *pkg)
{
	char script[PEER_PATH_MAX + 32];
	snprintf(script, sizeof script, "%s/scripts/deps.sh", root);
	if (access(script, X_OK) != 0)
		return;
	char *argv[] = { script, (char *)pkg, NULL };
	run_wait(argv, NULL, 600);
}

static bool newer(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_mtime >= sb.st_mtime;
}

/* build/peers/go-server from peers/go/server.go: GOCACHE and GOPATH under build/, no
 * network (GOPROXY=off: it needs the standard library only). */
static int build_go(const char *root, const char *go, char *err, size_t errlen)
{
	char src[PEER_PATH_MAX + 32], out[PEER_PATH_MAX + 32], dir[PEER_PATH_MAX + 32];
	snprintf(src, sizeof src, "%s/peers/go/server.go", root);
	snprintf(out, sizeof out, "%s/build/peers/go-server", root);
	if (newer(out, src))
		return 0;
	snprintf(dir, sizeof dir, "%s/build/peers", root);
	mkdir(dir, 0755); /* build/ itself exists once anything was built */
	static char cache[PEER_PATH_MAX + 32], gopath[PEER_PATH_MAX + 32];
	snprintf(cache, sizeof cache, "GOCACHE=%s/build/gocache", root);
	snprintf(gopath, sizeof gopath, "GOPATH=%s/build/gopath", root);
	char *env[] = { cache, gopath, "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", NULL };
	char *argv[] = { (char *)go, "build", "-o", out, src, NULL };
	fprintf(stderr, "dashboard: building the Go restaurant: go build -o %s %s\n", out, src);
	if (run_wait(argv, env, 300) != 0)
		return errmsg_fail(err, errlen, -ENOENT, "go: could not build %s (see the go errors above)", src);
	return 0;
}

int peer_prepare(const struct restaurant *r, const char *bin_dir, bool allow_install, char *err, size_t errlen)
{
	const char *const *names = program_names(r->kind);
	char root[PEER_PATH_MAX], prog[PEER_PATH_MAX];
	if (!names)
		return 0;
	if (peer_root(bin_dir, root, sizeof root) < 0)
		return errmsg_fail(err, errlen, -ENOENT, "%s: cannot find the project's peers/ folder above %s",
				   restaurant_name(r->kind), bin_dir);
	if (find_program(names, prog, sizeof prog) < 0 && allow_install)
		install(root, peer_package(r->kind));
	if (find_program(names, prog, sizeof prog) < 0)
		return errmsg_fail(err, errlen, -ENOENT, "the %s restaurant needs %s, which is not installed: "
				   "install the Debian package with `scripts/deps.sh %s` (as root or with sudo)",
				   restaurant_name(r->kind), names[0], peer_package(r->kind));
	if (r->kind == REST_GO)
		return build_go(root, prog, err, errlen);
	return 0;
}

int peer_free_port(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;
	int rc = 0;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		rc = -errno;
	else
		*port = ntohs(sa.sin_port);
	close(fd);
	return rc;
}

static void cmd_arg(struct peer_cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cmd_arg(struct peer_cmd *c, const char *fmt, ...)
{
	if (c->argc >= PEER_ARGV_MAX || c->used >= sizeof c->store)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(c->store + c->used, sizeof c->store - c->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof c->store - c->used)
		return;
	c->argv[c->argc++] = c->store + c->used;
	c->argv[c->argc] = NULL;
	c->used += (size_t)n + 1;
}

/* cmd:'...{port}...' with every {port} replaced, run by /bin/sh as `exec ...` so that
 * the shell becomes the server (its pid is the server's, and it keeps the arena's
 * parent-death signal). */
static int command_line(const char *cmd, uint16_t port, char *out, size_t len)
{
	size_t n = snprintf(out, len, "exec ");
	for (const char *p = cmd; *p; ) {
		if (strncmp(p, "{port}", 6) == 0) {
			n += snprintf(out + n, n < len ? len - n : 0, "%u", port);
			p += 6;
		} else {
			if (n + 1 < len)
				out[n] = *p;
			n++;
			p++;
		}
		if (n >= len)
			return -E2BIG;
	}
	out[n] = '\0';
	return 0;
}

/* nginx's config: one worker, no access log, every path under dir; /order (and /)
 * answers our status codes: 405 for a method other than GET or HEAD, 400 for a bad
 * cook_ms or work_us, 404 elsewhere. With the echo module the order waits cook_ms
 * (echo_sleep takes seconds: the map turns "50" into "0.050"); work_us is accepted
 * and not worked (nginx has no way to spend CPU in a request). */
static int write_nginx_conf(const char *path, const char *dir, const char *err_path, uint16_t port)
{
	bool cook = peer_nginx_can_cook();
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	char body[PEER_BODY_LEN];
	snprintf(body, sizeof body, "%-*s", PEER_BODY_LEN - 1, cook ? "nginx order: kitchen by echo_sleep"
							  : "nginx order: trivial (no kitchen)");
	fprintf(f, "# written by bin/dashboard for the nginx restaurant (visualizer/peer.c)\n"
		"daemon off;\nmaster_process on;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s warn;\n%s%s%s"
		"events { worker_connections 16384; }\n"
		"http {\n\taccess_log off;\n\tkeepalive_requests 1000000000;\n\tkeepalive_timeout 75s;\n"
		"\tclient_body_temp_path %s/body;\n\tproxy_temp_path %s/proxy;\n\tfastcgi_temp_path %s/fastcgi;\n"
		"\tuwsgi_temp_path %s/uwsgi;\n\tscgi_temp_path %s/scgi;\n",
		dir, err_path, cook ? "load_module " : "", cook ? NGINX_ECHO_MODULE : "", cook ? ";\n" : "", dir, dir,
		dir, dir, dir);
	fprintf(f, "\tmap $arg_cook_ms $cook_s {\n\t\tdefault bad;\n\t\t\"\" 0;\n\t\t\"~^0*(\\d)$\" 0.00$1;\n"
		"\t\t\"~^0*(\\d\\d)$\" 0.0$1;\n\t\t\"~^0*(\\d\\d\\d)$\" 0.$1;\n"
		"\t\t\"~^0*([1-5]?\\d)(\\d\\d\\d)$\" $1.$2;\n\t\t\"~^0*60000$\" 60;\n\t}\n"
		"\tmap $arg_work_us $work_ok {\n\t\tdefault 0;\n\t\t\"\" 1;\n\t\t\"~^0*\\d{1,6}$\" 1;\n"
		"\t\t\"~^0*1000000$\" 1;\n\t}\n");
	fprintf(f, "\tserver {\n\t\tlisten 127.0.0.1:%u backlog=4096;\n\t\tdefault_type text/plain;\n"
		"\t\tlocation ~ ^/(order)?$ {\n"
		"\t\t\tif ($request_method !~ ^(GET|HEAD)$) { return 405; }\n"
		"\t\t\tif ($cook_s = bad) { return 400; }\n\t\t\tif ($work_ok = 0) { return 400; }\n", port);
	if (cook)
		fprintf(f, "\t\t\techo_sleep $cook_s;\n\t\t\techo \"%s\";\n", body);
	else
		fprintf(f, "\t\t\treturn 200 \"%s\\n\";\n", body);
	fprintf(f, "\t\t}\n\t\tlocation / { return 404; }\n\t}\n}\n");
	int rc = ferror(f) ? -EIO : 0;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

int peer_command(const struct restaurant *r, const char *bin_dir, const char *dir, const char *err_path,
		 uint16_t port, uint32_t gomaxprocs, struct peer_cmd *out, char *err, size_t errlen)
{
	char root[PEER_PATH_MAX], prog[PEER_PATH_MAX], line[RESTAURANT_ARG_MAX + 64];
	memset(out, 0, sizeof *out);
	const char *const *names = program_names(r->kind);
	if (names && (peer_root(bin_dir, root, sizeof root) < 0 || find_program(names, prog, sizeof prog) < 0))
		return errmsg_fail(err, errlen, -ENOENT, "%s: not found (see dashboard --help)", restaurant_name(r->kind));
	switch (r->kind) {
	case REST_NODE:
		cmd_arg(out, "%s", prog);
		cmd_arg(out, "%s/peers/node/server.js", root);
		cmd_arg(out, "--host");
		cmd_arg(out, "127.0.0.1");
		cmd_arg(out, "--port");
		cmd_arg(out, "0");
		out->says_listening = true;
		return 0;
	case REST_GO:
		cmd_arg(out, "%s/build/peers/go-server", root);
		cmd_arg(out, "--host");
		cmd_arg(out, "127.0.0.1");
		cmd_arg(out, "--port");
		cmd_arg(out, "0");
		if (gomaxprocs)
			snprintf(out->env, sizeof out->env, "GOMAXPROCS=%u", gomaxprocs);
		out->says_listening = true;
		return 0;
	case REST_NGINX: {
		char conf[PEER_PATH_MAX + 32];
		snprintf(conf, sizeof conf, "%s/nginx.conf", dir);
		int rc = write_nginx_conf(conf, dir, err_path, port);
		if (rc < 0)
			return errmsg_fail(err, errlen, rc, "nginx: cannot write %s: %s", conf, strerror(-rc));
		cmd_arg(out, "%s", prog);
		cmd_arg(out, "-p");
		cmd_arg(out, "%s", dir);
		cmd_arg(out, "-c");
		cmd_arg(out, "%s", conf);
		cmd_arg(out, "-e");
		cmd_arg(out, "%s", err_path);
		return 0;
	}
	case REST_CMD:
		if (command_line(r->arg, port, line, sizeof line) < 0)
			return errmsg_fail(err, errlen, -E2BIG, "cmd: the command with its port is too long");
		cmd_arg(out, "/bin/sh");
		cmd_arg(out, "-c");
		cmd_arg(out, "%s", line);
		return 0;
	default:
		return errmsg_fail(err, errlen, -EINVAL, "%s: not a restaurant the dashboard starts",
				   restaurant_name(r->kind));
	}
}

void peer_help(char *buf, size_t len)
{
	snprintf(buf, len, "%s", peer_nginx_can_cook()
		 ? "nginx cooks: libnginx-mod-http-echo is here, its echo_sleep waits cook_ms (work_us is ignored)"
		 : "nginx serves trivial orders only: cook_ms and work_us are ignored (install "
		   "libnginx-mod-http-echo for a kitchen wait)");
}
