// Reference f32 matmul C = A x B, row-major, one invocation per element of C.
// Deliberately plain: the tuned kernels are measured against it and verified like it.
// Placeholders are filled by src/kernels/naive.ts: sizes are baked in so the compiler can
// fold the index arithmetic, as in the tuned kernels.

const M: u32 = {{M}}u;
const N: u32 = {{N}}u;
const K: u32 = {{K}}u;

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;

@compute @workgroup_size({{WG_X}}, {{WG_Y}}, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col = gid.x;
  let row = gid.y;
  // Sizes need not be multiples of the workgroup: out-of-range invocations do nothing.
  if (row >= M || col >= N) {
    return;
  }
  var sum = 0.0;
  for (var i = 0u; i < K; i = i + 1u) {
    sum = fma(a[row * K + i], b[i * N + col], sum);
  }
  c[row * N + col] = sum;
}
