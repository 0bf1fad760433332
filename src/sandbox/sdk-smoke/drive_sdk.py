import os, sys, time, traceback
import tinker
from tinker import types

T = 120
base = "sandbox/qwen3-tiny"
def step(name, fn):
    t0 = time.time()
    try:
        r = fn()
        print(f"[OK] {name} ({time.time()-t0:.2f}s): {str(r)[:300]}", flush=True)
        return r
    except Exception as e:
        print(f"[FAIL] {name} ({time.time()-t0:.2f}s): {type(e).__name__}: {e}", flush=True)
        traceback.print_exc()
        return None

sc = step("ServiceClient()", lambda: tinker.ServiceClient())
step("get_server_capabilities", lambda: sc.get_server_capabilities())
tc = step("create_lora_training_client(rank=8)", lambda: sc.create_lora_training_client(base_model=base, rank=8))
step("get_info", lambda: tc.get_info())
# a chat-SFT datum: tokens of "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
toks = [151644, 872, 198, 13048, 151645, 198, 151644, 77091, 198, 9707, 0, 151645, 198]
w = [0.0] * 8 + [1.0] * 4
datum = types.Datum(model_input=types.ModelInput.from_ints(toks[:-1]), loss_fn_inputs={"target_tokens": toks[1:], "weights": w})
f = step("forward", lambda: tc.forward([datum], "cross_entropy").result(timeout=T))
if f: print("   forward logprobs:", f.loss_fn_outputs[0]["logprobs"].tolist(), "loss:sum", f.metrics)
for i in range(3):
    fb = tc.forward_backward([datum], "cross_entropy")
    op = tc.optim_step(types.AdamParams(learning_rate=1e-3))
    r = step(f"forward_backward #{i+1}", lambda: fb.result(timeout=T))
    if r: print("   loss:sum", r.metrics["loss:sum"])
    step(f"optim_step #{i+1}", lambda: op.result(timeout=T))
st = step("save_state", lambda: tc.save_state("sdk-ckpt").result(timeout=T))
sw = step("save_weights_for_sampler", lambda: tc.save_weights_for_sampler("sdk-sampler").result(timeout=T))
step("load_state", lambda: tc.load_state(st.path).result(timeout=T))
step("load_state_with_optimizer", lambda: tc.load_state_with_optimizer(st.path).result(timeout=T))
rest = sc.create_rest_client()
step("rest.list_checkpoints", lambda: rest.list_checkpoints(tc.model_id).result(timeout=T))
step("rest.list_training_runs", lambda: rest.list_training_runs().result(timeout=T))
samp = step("create_sampling_client(model_path)", lambda: sc.create_sampling_client(model_path=sw.path))
prompt = types.ModelInput.from_ints(toks[:9])
res = step("sample", lambda: samp.sample(prompt=prompt, num_samples=2, sampling_params=types.SamplingParams(max_tokens=6, temperature=0.7, seed=1, stop=[151645])).result(timeout=T))
if res: print("   sequences:", [(s.tokens, s.stop_reason) for s in res.sequences])
bs = step("create_sampling_client(base_model)", lambda: sc.create_sampling_client(base_model=base))
res2 = step("sample(base, prompt_logprobs)", lambda: bs.sample(prompt=prompt, num_samples=1, sampling_params=types.SamplingParams(max_tokens=4), include_prompt_logprobs=True).result(timeout=T))
if res2: print("   prompt_logprobs:", res2.prompt_logprobs)
sc2 = step("save_weights_and_get_sampling_client", lambda: tc.save_weights_and_get_sampling_client())
if sc2: step("sample via that client", lambda: sc2.sample(prompt=prompt, num_samples=1, sampling_params=types.SamplingParams(max_tokens=3)).result(timeout=T))
tc2 = step("create_training_client_from_state", lambda: sc.create_training_client_from_state(st.path))
if tc2: step("forward on restored client", lambda: tc2.forward([datum], "cross_entropy").result(timeout=T).metrics)
bad = types.Datum(model_input=types.ModelInput.from_ints(toks[:-1]), loss_fn_inputs={"target_tokens": toks[1:], "weights": w[:-2]})
step("forward_backward(mismatched weights) -> error", lambda: tc.forward_backward([bad], "cross_entropy").result(timeout=T))
step("create_lora_training_client(rank=999) -> error", lambda: sc.create_lora_training_client(base_model=base, rank=999))
print("DONE", flush=True)
os._exit(0)
