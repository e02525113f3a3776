"""The scenarios: what each one sends, and the runs that make up the report."""

import math

from bench import profile
from bench.client import call
from bench.cpu import CpuMeter
from bench.loadgen import Load, run_wrk
from okr_app.demo.seed import DEMO_PASSWORD

READ_PATHS = {"get_objectives": "/objectives", "get_stats": "/stats"}


def reads(app, floor, files, load, rounds=3):
    """Run both read scenarios on okr_app and on the floor, alternately; return both.

    Each read runs ``rounds`` times on each server, okr_app and floor in turn, so that a
    slower or faster stretch of a shared machine falls on both. The ratio is the median of
    the rounds' ratios, and the figures reported are those of that median round.
    """
    results, floor_results = {}, {}
    for name, path in READ_PATHS.items():
        pairs = [
            (
                run_wrk(app.url, "get.lua", files["tokens"], load, path),
                run_wrk(floor.url, "get.lua", files["tokens"], load, path),
            )
            for _ in range(rounds)
        ]
        results[name], floor_results[name] = median_round(pairs)
    return results, floor_results


def median_round(pairs):
    """Return the ``(okr_app, floor)`` figures of the round with the median ratio.

    okr_app's figures gain ``ratio_to_floor`` (that median) and ``ratio_rounds`` (every
    round's ratio, in the order run).
    """
    ratios = [round(mine["rps"] / theirs["rps"], 2) for mine, theirs in pairs]
    median = sorted(range(len(pairs)), key=ratios.__getitem__)[len(pairs) // 2]
    mine, theirs = pairs[median]
    return {**mine, "ratio_to_floor": ratios[median], "ratio_rounds": ratios}, theirs


def unloaded(server, files, load):
    """Return each read's figures with one connection: a request's own latency."""
    return {
        name: run_wrk(server.url, "get.lua", files["tokens"], load, path, connections=1)
        for name, path in READ_PATHS.items()
    }


def half_load(app, files, load, peaks, light):
    """Drive each read at about half its peak throughput; return the rate reached and p99.

    Each connection pauses between requests so that, with the latency measured on one
    connection, all of them together send half the peak rate.
    """
    results = {}
    for name, path in READ_PATHS.items():
        target = peaks[name]["rps"] / 2
        interval_ms = load.connections * 1000 / target
        pause = max(0, round(interval_ms - light[name]["mean_ms"]))
        figures = run_wrk(app.url, "get.lua", files["tokens"], load, path, pause_ms=pause)
        results[name] = {
            "target_rps": round(target, 1),
            "rps": figures["rps"],
            "p50_ms": figures["p50_ms"],
            "p99_ms": figures["p99_ms"],
            "errors": figures["errors"],
        }
    return results


def audited_writes(server, files, load, meter=None):
    """Return the figures of POST check-ins, each appended to the audit chain."""
    return run_wrk(server.url, "post_check_in.lua", files["check_ins"], load, meter=meter)


def audited_writes_beside_floor(app, floor, files, load, rounds=3, shared=None):
    """Run the audited check-ins on okr_app and the floor in turn, ``rounds`` times.

    Return ``(okr_app's figures, the floor's)`` of the median round, as for the reads:
    okr_app's carry ``ratio_to_floor`` and ``ratio_rounds``. Each run's figures also hold
    ``cpu_us_per_request``: the CPU its server's workers, each group of ``shared`` (``{name:
    function returning pids}``: the database, Redis) and the whole machine used per request.
    """
    pairs = [
        (metered(app, files, load, shared), metered(floor, files, load, shared))
        for _ in range(rounds)
    ]
    return median_round(pairs)


def metered(server, files, load, shared=None):
    """Run the audited check-ins on ``server``; add the CPU used per request to the figures."""
    meter = CpuMeter({"workers": server.worker_pids, **(shared or {})})
    figures = audited_writes(server, files, load, meter=meter)
    return {**figures, "cpu_us_per_request": meter.per_request(figures["requests"])}


def audited_writes_by_workers(servers, files, load, rounds=3, shared=None):
    """Run the audited check-ins on each server of ``servers`` (``{key: server}``) in turn.

    Every server gets the same load, ``rounds`` times, in alternating order, so that a
    slower stretch of a shared machine falls on each server alike. Return each key's
    figures of its median round by throughput, with ``rps_rounds``: every round's, in order,
    and ``cpu_us_per_request`` as ``metered`` measures it (``shared`` as there).
    """
    runs = {key: [] for key in servers}
    for index in range(rounds):
        order = list(servers) if index % 2 == 0 else list(servers)[::-1]
        for key in order:
            runs[key].append(metered(servers[key], files, load, shared))
    return {key: median_run(figures) for key, figures in runs.items()}


#: What ``audited_writes_by_workers`` reports of each server's median round.
BY_WORKERS_FIGURES = ("rps", "p50_ms", "p99_ms", "errors", "rps_rounds", "cpu_us_per_request")


def beside_floor_by_workers(mine, theirs):
    """Return okr_app's figures with one worker count, the floor's and their ratio.

    ``ratio_to_floor`` is that of the two median rounds' throughputs.
    """
    return {
        **{name: mine[name] for name in BY_WORKERS_FIGURES},
        "ratio_to_floor": round(mine["rps"] / theirs["rps"], 2),
        "floor": {name: theirs[name] for name in BY_WORKERS_FIGURES},
    }


def median_run(runs):
    """Return the figures of the run with the median throughput, with every run's rps.

    ``errors`` adds up every run's: a failure in any round shows.
    """
    median = sorted(runs, key=lambda figures: figures["rps"])[len(runs) // 2]
    return {
        **median,
        "errors": sum(figures["errors"] for figures in runs),
        "rps_rounds": [figures["rps"] for figures in runs],
    }


def writes(app, files, load, workers):
    """Run the PATCH writes, the mixed profile and logins; return their figures."""
    return {
        "patch_objective": run_wrk(
            app.url,
            "patch_objective.lua",
            files["patches"],
            load,
            warmup_file=files["patches_warmup"],
        ),
        "mixed": run_wrk(app.url, "mixed.lua", files["check_ins"], load),
        # Password hashing is CPU-bound: more connections than workers only queue.
        "login": run_wrk(
            app.url, "login.lua", files["logins"], load, DEMO_PASSWORD, connections=workers
        ),
    }


def profiled(app, files, load, seconds, directory):
    """Sample the workers with py-spy during each read; return the Markdown summary."""
    sections = []
    for name, path in READ_PATHS.items():
        output = directory / f"profile-{name}.txt"
        sampler = profile.record(app.popen.pid, seconds, output)
        try:
            run_wrk(app.url, "get.lua", files["tokens"], _lasting(load, seconds), path, warm=False)
        finally:
            sampler.wait(seconds + 60)
        text = output.read_text() if output.exists() else ""
        sections.append(profile.summarise(text, f"{name} ({path})"))
    return "\n".join(sections)


def _lasting(load, seconds):
    """Return ``load`` with another duration and no warm-up."""
    return Load(load.threads, load.connections, 0, seconds)


def floor_agrees(app, floor, token, key_result_id):
    """Tell, per scenario, whether the floor answers as okr_app does on every key it has.

    A check-in's key result is compared with okr_app's reading of it right after the
    floor's check-in, and the check-in's own fields with okr_app's answer to the next.
    """
    agreement = {}
    for name, path in READ_PATHS.items():
        _status, _headers, mine = call(app.url, "GET", path, token=token)
        _status, _headers, theirs = call(floor.url, "GET", path, token=token)
        agreement[name] = _subset(theirs, mine)
    path = f"/key-results/{key_result_id}"
    _status, _headers, theirs = call(floor.url, "POST", path + "/check-ins", {"value": 7}, token)
    _status, _headers, shown = call(app.url, "GET", path, token=token)
    _status, _headers, mine = call(app.url, "POST", path + "/check-ins", {"value": 7}, token)
    moments = ("id", "at", "created_at", "key_result")
    agreement["post_check_in"] = _subset(theirs["key_result"], shown) and _subset(
        {name: value for name, value in theirs.items() if name not in moments},
        {name: value for name, value in mine.items() if name not in moments},
    )
    return agreement


def _subset(small, large):
    """Tell whether ``small`` equals ``large`` restricted to the keys ``small`` has.

    Numbers may differ in their fourth significant digit: a forecast's required rate
    depends on the moment it is computed.
    """
    if isinstance(small, float) and isinstance(large, float):
        return math.isclose(small, large, rel_tol=1e-3)
    if isinstance(small, dict):
        return isinstance(large, dict) and all(
            key in large and _subset(value, large[key]) for key, value in small.items()
        )
    if isinstance(small, list):
        return (
            isinstance(large, list)
            and len(small) == len(large)
            and all(_subset(a, b) for a, b in zip(small, large, strict=True))
        )
    return small == large
