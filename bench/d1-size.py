# python3 bench/d1-size.py [N] — D1 bytes per battle row and per label row (issue 17, docs/scale.md): this repository's
# migrations applied to a throwaway SQLite file (D1 is SQLite), N battles (default 200,000) with realistic values,
# then SQLite's own page accounting (dbstat) per table and index after VACUUM. Python's sqlite3 because Node 20 has
# no SQLite module; python3 is on every Debian machine this project targets.
import sqlite3, os, glob, uuid, random, json, sys, tempfile
N = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
path = os.path.join(tempfile.mkdtemp(), 'd1.sqlite')
if os.path.exists(path): os.remove(path)
c = sqlite3.connect(path)
for f in sorted(glob.glob(os.path.join(root, 'd1/migrations/*.sql'))):
    c.executescript(open(f).read().replace('--> statement-breakpoint', ''))
random.seed(1)
models = [f"vendor-model-{i:02d}-2025-{(i%12)+1:02d}-01" for i in range(80)]
labels = ['coding','math','hard_prompts','instruction_following','creative_writing','multi_turn','long_query','short_query','language']
def hdr(): return json.dumps({f"h{k}": random.randint(0,2) for k in range(1,7)})
def lst(): return json.dumps({"ordered": random.randint(0,8), "unordered": random.randint(0,8)})
def bold(): return json.dumps({"**": random.randint(0,6), "__": 0})
t0 = 1_760_000_000_000
rows = []; lrows = []
for i in range(N):
    bid = str(uuid.uuid4()); a, b = random.sample(models, 2); t = t0 + i * 300
    cats = [l for l in labels[:6] if random.random() < 0.2]
    consent = random.random() < 0.3
    rows.append((bid,'anonymous',1,a,b,random.choice(['model_a','model_b','tie','tie (bothbad)']),'%064x'%random.getrandbits(256),
      t-60000,t,1,random.randint(5,800),random.randint(50,1500),random.randint(50,1500),hdr(),hdr(),lst(),lst(),bold(),bold(),
      random.randint(0,3),random.randint(0,3),'en',json.dumps(cats),None,0.0012,int(consent),
      f"transcripts/2025-10-{(i%28)+1:02d}/{bid}.json" if consent else None, t+2000,'%064x'%random.getrandbits(256),3,
      'judge-v2:gpt-4o-mini', t+9000, 0, 1, None))
    for l in labels:
        lrows.append((bid,l,3,random.random()<0.2,'en' if l=='language' else None,'heuristic',t+2000))
cols = "id,mode,anony,model_a,model_b,winner,voter_hash,created_at,voted_at,turns,user_tokens,tokens_a,tokens_b,header_count_a,header_count_b,list_count_a,list_count_b,bold_count_a,bold_count_b,emoji_count_a,emoji_count_b,language,categories,excluded_reason,sampling_probability,consent,transcript_key,recorded_at,prompt_hash,labels_rev,judge_rev,judge_requested_at,dedup_high_freq,dedup_sampled,changed_at"
c.executemany(f"INSERT INTO battles ({cols}) VALUES ({','.join('?'*len(cols.split(',')))})", rows)
c.executemany("INSERT INTO battle_labels (battle_id,label,version,value,detail,source,labelled_at) VALUES (?,?,?,?,?,?,?)", lrows)
c.commit(); c.execute("VACUUM")
def size(name):
    try: return c.execute("SELECT sum(pgsize) FROM dbstat WHERE name=?", (name,)).fetchone()[0] or 0
    except Exception as e: return None
objs = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE tbl_name IN ('battles','battle_labels') AND type IN ('table','index')")]
tot_b = sum(size(o) or 0 for o in objs if o.startswith('battles') or o.startswith('sqlite_autoindex_battles'))
tot_l = sum(size(o) or 0 for o in objs if o.startswith('battle_labels') or o.startswith('sqlite_autoindex_battle_labels'))
for o in objs: print(f"{o:40s} {size(o)/N:8.1f} B/battle")
print(f"battles table+indexes: {tot_b/N:.0f} B per battle; battle_labels: {tot_l/N/len(labels):.0f} B per label row, {tot_l/N:.0f} B per battle ({len(labels)} rows)")
print(f"file: {os.path.getsize(path)/N:.0f} B per battle")
os.remove(path)
