// `nf batch`: manifests, shards that run together over one folder, jobs that resume after a killed shard, and
// the merged tables.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "cli_fixture.hpp"
#include "core/config.hpp"
#include "io/snapshot.hpp"

namespace nf {
namespace {

// One lavapipe thread: the GPU's atomic sums run in one order, so that two runs of a job agree bit for bit.
const std::string kOneThread = "LP_NUM_THREADS=1";

class Batch : public Cli {
 protected:
  // Starts nf in the background, in its own process group (so that the group can be killed as a node dies).
  pid_t start(const std::string& args, const std::string& tag) {
    const pid_t pid = fork();
    if (pid == 0) {
      setpgid(0, 0);
      const std::string cmd = "exec env NF_VALIDATION=1 " + kOneThread + " " + nf_cli() + " " + args + " > " +
                              path(tag + ".out") + " 2> " + path(tag + ".err");
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    return pid;
  }
  int finish(pid_t pid, const std::string& tag) {
    int status = 0;
    waitpid(pid, &status, 0);
    const std::string err = read(path(tag + ".err"));
    EXPECT_EQ(err.find("[validation]"), std::string::npos) << err;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  // Two small real images (crops of Kodak photos).
  std::string inputs() {
    return test::test_input("images/kodim03_x300_y200.png") + " " +
           test::test_input("images/kodim08_x200_y100.png");
  }
  // The job ids of a manifest, in order.
  std::vector<std::string> ids(const std::string& manifest) {
    std::vector<std::string> out;
    std::istringstream in(read(manifest));
    std::string line;
    while (std::getline(in, line)) out.push_back(json::parse(line)["id"].get<std::string>());
    return out;
  }
  // table.csv less its timing column, which no two runs share.
  std::map<std::string, std::string> rows_without_time(const std::string& csv_path) {
    std::map<std::string, std::string> rows;
    std::istringstream in(read(csv_path));
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line.substr(line.rfind(',') + 1), "train_seconds") << line;
    while (std::getline(in, line)) {
      const std::string kept = line.substr(0, line.rfind(','));
      rows[kept.substr(0, kept.find(','))] = kept;
    }
    return rows;
  }
};

// Three shards started together, plus a fourth process that runs every job over the same folder, give the
// same merged table as one process; every job ran once (the others found it locked or done).
TEST_F(Batch, ShardsRunTogetherGiveTheTableOfOneProcess) {
  const std::string manifest = path("m.jsonl");
  const Outcome plan = nf("batch plan " + inputs() +
                          " --fields hashgrid,rbf --seeds 0,1 --steps 12 --set "
                          "batch_size=256 --out " +
                          manifest);
  ASSERT_EQ(plan.code, 0) << plan.err;
  EXPECT_NE(plan.out.find("8 jobs (2 inputs x 2 fields x 2 seeds)"), std::string::npos) << plan.out;
  // The same plan gives the same ids.
  ASSERT_EQ(
      nf("batch plan " + inputs() +
         " --fields hashgrid,rbf --seeds 0,1 --steps 12 --set batch_size=256 --out " + path("again.jsonl"))
          .code,
      0);
  EXPECT_EQ(read(manifest), read(path("again.jsonl")));

  const Outcome alone = nf("batch run " + manifest + " -q --out " + path("one"), kOneThread);
  ASSERT_EQ(alone.code, 0) << alone.err;
  std::vector<pid_t> pids;
  for (int i = 0; i < 3; ++i)
    pids.push_back(
        start("batch run " + manifest + " --out " + path("many") + " --shard " + std::to_string(i) + "/3",
              "shard" + std::to_string(i)));
  pids.push_back(start("batch run " + manifest + " --out " + path("many"), "all"));
  for (size_t i = 0; i < pids.size(); ++i) {
    const std::string tag = i < 3 ? "shard" + std::to_string(i) : "all";
    EXPECT_EQ(finish(pids[i], tag), 0) << read(path(tag + ".err"));
  }
  EXPECT_NE(read(path("shard1.err")).find("shard 1 of 3 (--shard): 3 of the 8 jobs"), std::string::npos)
      << read(path("shard1.err"));

  const Outcome merged_one = nf("batch merge " + path("one"));
  const Outcome merged_many = nf("batch merge -q " + path("many"));
  ASSERT_EQ(merged_one.code, 0) << merged_one.err;
  ASSERT_EQ(merged_many.code, 0) << merged_many.err;
  EXPECT_NE(
      merged_one.out.find("| field | jobs | done | mean PSNR (dB) | median PSNR (dB) | mean train (s) |"),
      std::string::npos)
      << merged_one.out;
  const auto one = rows_without_time(path("one/table.csv")), many = rows_without_time(path("many/table.csv"));
  EXPECT_EQ(one.size(), 8u);
  EXPECT_EQ(one, many);
  for (const auto& e : fs::directory_iterator(path("many"))) {
    if (!e.is_directory()) continue;
    const json done = read_json_file((e.path() / "done.json").string());
    EXPECT_EQ(done["attempts"], 1) << e.path() << ": ran more than once";
  }
  // The per-field means are those of the rows.
  std::istringstream fields(read(path("one/fields.csv")));
  std::string header, hashgrid;
  std::getline(fields, header);
  std::getline(fields, hashgrid);
  EXPECT_EQ(header, "field,jobs,done,mean_psnr,median_psnr,mean_train_seconds");
  EXPECT_EQ(hashgrid.rfind("hashgrid,4,4,", 0), 0u) << hashgrid;
}

// A shard killed with its job in flight (the whole process group, as when a node dies) leaves the job's last
// snapshot; running the shard again resumes it, and the job ends as an uninterrupted fit ends, bit for bit,
// with nothing lost or run twice.
TEST_F(Batch, AKilledShardResumesItsJobToTheSameResult) {
  const std::string image = test::test_input("images/kodim03_x300_y200.png");
  const std::string manifest = path("m.jsonl");
  ASSERT_EQ(nf("batch plan " + image +
               " --fields hashgrid --seeds 2 --steps 400 --set batch_size=256 --out " + manifest)
                .code,
            0);
  const std::string id = ids(manifest).at(0);
  const std::string out = path("results");
  const pid_t pid = start("batch run " + manifest + " --snapshot-every 20 --out " + out, "killed");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (!fs::exists(out + "/" + id + "/snapshot.nf") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(-pid, SIGKILL);
  EXPECT_EQ(finish(pid, "killed"), -1);
  // The job's `nf fit` died with its group; the lock it held goes with it.
  const int lock = open((out + "/" + id + "/.lock").c_str(), O_RDONLY);
  ASSERT_GE(lock, 0);
  while (flock(lock, LOCK_SH | LOCK_NB) != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  close(lock);
  ASSERT_FALSE(fs::exists(out + "/" + id + "/done.json")) << "the job ended before it was killed";
  const Outcome incomplete = nf("batch merge " + out);
  EXPECT_EQ(incomplete.code, 1);
  EXPECT_NE(incomplete.out.find(id + " interrupted"), std::string::npos) << incomplete.out;

  const Outcome rerun = nf("batch run " + manifest + " --snapshot-every 20 --out " + out, kOneThread);
  ASSERT_EQ(rerun.code, 0) << rerun.err;
  EXPECT_NE(rerun.err.find("resuming from its snapshot"), std::string::npos) << rerun.err;
  const json done = read_json_file(out + "/" + id + "/done.json");
  EXPECT_EQ(done["attempts"], 2);
  EXPECT_EQ(read_json_file(out + "/" + id + "/metrics.json")["steps"], 400);
  for (const auto& e : fs::directory_iterator(out + "/" + id))
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << "left behind: " << e.path();

  ASSERT_EQ(nf("fit " + image + " -q --field hashgrid --seed 2 --steps 400 --set batch_size=256 --out " +
                   path("whole"),
               kOneThread)
                .code,
            0);
  const Snapshot a = read_snapshot(path("whole/snapshot.nf")),
                 b = read_snapshot(out + "/" + id + "/snapshot.nf");
  EXPECT_TRUE(a.parameters == b.parameters) << "the resumed job differs from an uninterrupted fit";

  // A third run finds it done; the merged table has it once.
  const Outcome again = nf("batch run " + manifest + " --out " + out);
  EXPECT_NE(again.err.find("done earlier"), std::string::npos) << again.err;
  ASSERT_EQ(nf("batch merge -q " + out).code, 0);
  EXPECT_EQ(rows_without_time(out + "/table.csv").size(), 1u);
}

// The shard comes from --shard, Slurm's array variables or Kubernetes' completion index; a failed job records
// its exit code and error and does not stop the others; bad manifests, shards and folders are one-line
// errors.
TEST_F(Batch, ShardsFromSchedulersFailuresAndBadInput) {
  const std::string manifest = path("m.jsonl");
  std::ofstream(path("broken.png")) << "not an image";
  ASSERT_EQ(nf("batch plan " + path("broken.png") + " " + test::test_input("images/kodim08_x200_y100.png") +
               " --fields hashgrid --steps 5 --set batch_size=256 --out " + manifest)
                .code,
            0);
  const auto job = ids(manifest);
  ASSERT_EQ(job.size(), 2u);

  // Slurm: task 5 of an array 4-5 is shard 1 of 2 (the second job); Kubernetes: index 0 of NF_SHARD_COUNT 2.
  const Outcome slurm = nf("batch run " + manifest + " --out " + path("r"),
                           "SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_MIN=4 SLURM_ARRAY_TASK_COUNT=2");
  EXPECT_EQ(slurm.code, 0) << slurm.err;
  EXPECT_NE(slurm.err.find("shard 1 of 2 (SLURM_ARRAY_TASK_ID): 1 of the 2 jobs"), std::string::npos)
      << slurm.err;
  EXPECT_TRUE(fs::exists(path("r/" + job[1] + "/done.json")));
  const Outcome k8s =
      nf("batch run " + manifest + " --out " + path("r"), "JOB_COMPLETION_INDEX=0 NF_SHARD_COUNT=2");
  EXPECT_EQ(k8s.code, 1);
  EXPECT_NE(k8s.err.find("shard 0 of 2 (JOB_COMPLETION_INDEX)"), std::string::npos) << k8s.err;
  // The broken input's job failed, with its error recorded; the run says so in its last line.
  const json failed = read_json_file(path("r/" + job[0] + "/failed.json"));
  EXPECT_EQ(failed["exit_code"], 1);
  EXPECT_NE(failed["error"].get<std::string>().find("broken.png: not a readable image"), std::string::npos)
      << failed;
  EXPECT_NE(k8s.err.find("nf: error: nf batch run: 1 of 1 jobs failed"), std::string::npos) << k8s.err;
  const Outcome merged = nf("batch merge " + path("r"));
  EXPECT_EQ(merged.code, 1);
  EXPECT_NE(merged.out.find("| " + job[0] + " | broken.png | hashgrid | 0 | failed |"), std::string::npos)
      << merged.out;
  EXPECT_NE(merged.err.find("1 of 2 jobs are not done"), std::string::npos) << merged.err;

  // A mesh job: its metrics have an IoU and a null Chamfer distance (no --export-mesh), which the tables
  // leave empty.
  ASSERT_EQ(nf("batch plan " + test::asset("meshes/spot.obj") +
               " --fields sdf-rbf --steps 5 --set batch_size=4096 "
               "--set chunk_size=4096 --set pool.size=16384 --out " +
               path("mesh.jsonl"))
                .code,
            0);
  const Outcome mesh = nf("batch run " + path("mesh.jsonl") + " --out " + path("meshes"));
  ASSERT_EQ(mesh.code, 0) << mesh.err;
  EXPECT_NE(mesh.err.find(": IoU "), std::string::npos) << mesh.err;
  const Outcome meshes = nf("batch merge " + path("meshes"));
  ASSERT_EQ(meshes.code, 0) << meshes.err;
  EXPECT_NE(meshes.out.find("| field | jobs | done | mean IoU | median IoU | mean train (s) |"),
            std::string::npos)
      << meshes.out;

  // One-line errors.
  expect_clean_failure(nf("batch run " + manifest + " --out " + path("x") + " --shard 2/2"), "shard 2 of 2",
                       path("x"));
  expect_clean_failure(nf("batch run " + manifest + " --out " + path("x") + " --shard 1"), "expected I/N",
                       path("x"));
  expect_clean_failure(nf("batch run " + manifest + " --out " + path("x"), "SLURM_ARRAY_TASK_ID=0"),
                       "SLURM_ARRAY_TASK_COUNT is not", path("x"));
  expect_clean_failure(nf("batch run " + manifest + " --out " + path("x"), "JOB_COMPLETION_INDEX=1"),
                       "give --shards N or NF_SHARD_COUNT", path("x"));
  std::ofstream(path("bad.jsonl")) << read(manifest) << "{\"id\": \"x\"\n";
  expect_clean_failure(nf("batch run " + path("bad.jsonl") + " --out " + path("x")),
                       "bad.jsonl line 3: not JSON", path("x"));
  std::ofstream(path("dup.jsonl")) << read(manifest) << read(manifest);
  expect_clean_failure(nf("batch run " + path("dup.jsonl") + " --out " + path("x")),
                       "repeats an earlier line's", path("x"));
  ASSERT_EQ(nf("batch plan " + test::test_input("images/kodim08_x200_y100.png") + " --fields siren --out " +
               path("other.jsonl"))
                .code,
            0);
  expect_clean_failure(nf("batch run " + path("other.jsonl") + " --out " + path("r")),
                       "holds the results of another manifest");
  expect_clean_failure(
      nf("batch plan " + path("missing.png") + " --fields hashgrid --out " + path("p.jsonl")),
      "missing.png: no such file");
  expect_clean_failure(
      nf("batch plan " + path("broken.png") + " --fields nosuchfield --out " + path("p.jsonl")),
      "nosuchfield");
  EXPECT_FALSE(fs::exists(path("p.jsonl")));
  expect_clean_failure(nf("batch merge " + path("nothing")), "no manifest.jsonl");
}

}  // namespace
}  // namespace nf
