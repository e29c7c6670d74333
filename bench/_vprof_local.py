import os, sys, time, cProfile, pstats
os.environ["DATABASE_URL"]="postgresql+psycopg://postgres@127.0.0.1:5432/bench_verify"
os.environ["RATELIMIT_ENABLED"]="0"
sys.path.insert(0,"/work/wt7"); sys.path.insert(0,"/work/wt7/bench")
import verify_throughput as vt
from app import create_app
app=create_app()
api,page=vt.sample_paths(1_000_000, 300)
c=app.test_client()
def run(paths,n=1500):
    for p in paths[:50]: r=c.get(p); assert r.status_code==200,(p,r.status_code)
    t=time.perf_counter()
    for i in range(n): c.get(paths[i%len(paths)])
    return (time.perf_counter()-t)/n*1000
print("ping %.3f ms"%run(["/ping"]))
print("api  %.3f ms"%run(api))
print("page %.3f ms"%run(page))
which=sys.argv[1] if len(sys.argv)>1 else None
if which:
    paths={"api":api,"page":page,"ping":["/ping"]}[which]
    pr=cProfile.Profile(); pr.enable()
    for i in range(1000): c.get(paths[i%len(paths)])
    pr.disable(); pstats.Stats(pr).sort_stats("tottime").print_stats(25)
